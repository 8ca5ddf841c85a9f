using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.JsonWebTokens;
using Skuld.Server.Tests.Infrastructure;
using Skuld.Store.Auth;
using Skuld.Testing;

namespace Skuld.Server.Tests.Auth;

public sealed class TokenEndpointTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory, AllStores]
    public async Task Password_grant_returns_an_entra_shaped_user_token_without_roles(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var tenant = await server.AddTenantAsync("contoso.com");
        var admin = await server.AddUserAsync(tenant, "admin", roles: DirectoryRole.GlobalAdministrator);

        var response = await server.CreateClient().RequestPasswordTokenAsync("contoso.com", "ADMIN@contoso.com", TestDirectory.Password);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.Equal(3599, body.GetProperty("expires_in").GetInt32());
        Assert.Equal(3599, body.GetProperty("ext_expires_in").GetInt32());
        var token = new JsonWebToken(body.GetProperty("access_token").GetString());
        Assert.Equal("HS256", token.Alg);
        Assert.Equal(tenant.Id.ToString(), token.GetClaim("tid").Value);
        Assert.Equal(admin.Id.ToString(), token.GetClaim("oid").Value);
        Assert.Equal("user", token.GetClaim("idtyp").Value);
        Assert.Equal("admin@contoso.com", token.GetClaim("upn").Value);
        Assert.Equal(["https://graph.microsoft.com"], token.Audiences);
        Assert.Equal($"https://sts.skuld.local/{tenant.Id}/", token.Issuer);
        Assert.Equal(TimeSpan.FromHours(1), token.ValidTo - token.IssuedAt);
        Assert.Equal(server.Time.GetUtcNow().UtcDateTime, token.IssuedAt, TimeSpan.FromSeconds(1));
        // Roles are read from the directory on each request, never carried in the token.
        Assert.False(token.TryGetClaim("roles", out _));
        Assert.False(token.TryGetClaim("wids", out _));
    }

    [Theory, AllStores]
    public async Task Client_credentials_return_an_app_token_with_secret_in_body_or_basic_auth(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var tenant = await server.AddTenantAsync("contoso.com");
        var app = await server.AddAppAsync(tenant, "Provisioning", DirectoryRole.LicenseAdministrator);
        var client = server.CreateClient();

        var inBody = await client.RequestClientTokenAsync("contoso.com", app.Registration.AppId, app.Secret);
        using var basic = new HttpRequestMessage(HttpMethod.Post, "/contoso.com/oauth2/v2.0/token")
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials"), new("scope", TokenRequests.GraphScope)]),
        };
        basic.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{app.Registration.AppId}:{Uri.EscapeDataString(app.Secret)}")));
        var withBasic = await client.SendAsync(basic, Cancel);

        foreach (var response in new[] { inBody, withBasic })
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var token = new JsonWebToken((await response.JsonAsync()).GetProperty("access_token").GetString());
            Assert.Equal("app", token.GetClaim("idtyp").Value);
            Assert.Equal(app.Registration.Id.ToString(), token.GetClaim("oid").Value);
            Assert.Equal(app.Registration.AppId.ToString(), token.GetClaim("appid").Value);
            Assert.Equal(tenant.Id.ToString(), token.GetClaim("tid").Value);
        }
    }

    [Theory, AllStores]
    public async Task Tenant_is_named_by_domain_initial_domain_or_id_in_any_case(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var tenant = await server.AddTenantAsync("contoso.com");
        await server.AddUserAsync(tenant, "admin");
        var client = server.CreateClient();

        foreach (var name in new[] { "Contoso.COM", "contoso.onmicrosoft.com", tenant.Id.ToString() })
        {
            var response = await client.RequestPasswordTokenAsync(name, "admin@contoso.com", TestDirectory.Password);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Theory, AllStores]
    public async Task Wrong_client_secret_fails_with_invalid_client_7000215(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var tenant = await server.AddTenantAsync("contoso.com");
        var app = await server.AddAppAsync(tenant, "Provisioning");

        var response = await server.CreateClient().RequestClientTokenAsync("contoso.com", app.Registration.AppId, "not-the-secret");

        await AssertOAuthErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_client", 7000215,
            $"Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{app.Registration.AppId}'.");
    }

    [Theory, AllStores]
    public async Task Another_tenants_client_id_is_not_found_with_700016(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        await server.AddTenantAsync("contoso.com");
        var fabrikam = await server.AddTenantAsync("fabrikam.com");
        var fabrikamApp = await server.AddAppAsync(fabrikam, "Fabrikam sync", DirectoryRole.GlobalAdministrator);

        var response = await server.CreateClient().RequestClientTokenAsync("contoso.com", fabrikamApp.Registration.AppId, fabrikamApp.Secret);

        await AssertOAuthErrorAsync(response, HttpStatusCode.BadRequest, "unauthorized_client", 700016,
            $"Application with identifier '{fabrikamApp.Registration.AppId}' was not found in the directory 'contoso.com'.");
    }

    [Theory, AllStores]
    public async Task Wrong_password_unknown_user_and_user_without_password_all_fail_with_50126(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var tenant = await server.AddTenantAsync("contoso.com");
        await server.AddUserAsync(tenant, "admin");
        await server.AddUserAsync(tenant, "plain", password: null);
        var client = server.CreateClient();

        foreach (var (username, password) in new[]
        {
            ("admin@contoso.com", "wrong"), ("nobody@contoso.com", TestDirectory.Password), ("plain@contoso.com", TestDirectory.Password),
        })
        {
            var response = await client.RequestPasswordTokenAsync("contoso.com", username, password);
            await AssertOAuthErrorAsync(response, HttpStatusCode.BadRequest, "invalid_grant", 50126,
                "Error validating credentials due to invalid username or password.");
        }
    }

    [Theory, AllStores]
    public async Task Disabled_account_cannot_sign_in_with_50057(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var tenant = await server.AddTenantAsync("contoso.com");
        var user = await server.AddUserAsync(tenant, "admin", roles: DirectoryRole.GlobalAdministrator);
        await using (var db = server.NewDb())
        {
            await db.Users.Where(u => u.Id == user.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.AccountEnabled, false), Cancel);
        }

        var response = await server.CreateClient().RequestPasswordTokenAsync("contoso.com", "admin@contoso.com", TestDirectory.Password);

        await AssertOAuthErrorAsync(response, HttpStatusCode.BadRequest, "invalid_grant", 50057, "The user account is disabled.");
    }

    [Theory, AllStores]
    public async Task Unknown_tenant_fails_with_90002(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);

        var response = await server.CreateClient().RequestPasswordTokenAsync("nowhere.example", "a@nowhere.example", "x");

        await AssertOAuthErrorAsync(response, HttpStatusCode.BadRequest, "invalid_request", 90002, "Tenant 'nowhere.example' not found.");
    }

    [Theory, AllStores]
    public async Task Missing_or_unsupported_grant_type_and_bad_scope_fail_like_entra(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var tenant = await server.AddTenantAsync("contoso.com");
        var app = await server.AddAppAsync(tenant, "Provisioning");
        var client = server.CreateClient();

        await AssertOAuthErrorAsync(await client.RequestTokenAsync("contoso.com", ("client_id", "x")),
            HttpStatusCode.BadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.");
        await AssertOAuthErrorAsync(await client.RequestTokenAsync("contoso.com", ("grant_type", "authorization_code")),
            HttpStatusCode.BadRequest, "unsupported_grant_type", 70003, "The app requested an unsupported grant type 'authorization_code'.");
        await AssertOAuthErrorAsync(
            await client.RequestTokenAsync("contoso.com", ("grant_type", "client_credentials"), ("client_id", app.Registration.AppId.ToString()), ("client_secret", app.Secret)),
            HttpStatusCode.BadRequest, "invalid_request", 900144, "The request body must contain the following parameter: 'scope'.");
        await AssertOAuthErrorAsync(
            await client.RequestTokenAsync("contoso.com", ("grant_type", "client_credentials"), ("client_id", app.Registration.AppId.ToString()),
                ("client_secret", app.Secret), ("scope", "https://graph.microsoft.com/User.Read.All")),
            HttpStatusCode.BadRequest, "invalid_scope", 1002012, "The provided value for scope https://graph.microsoft.com/User.Read.All is not valid.");
    }

    private static async Task AssertOAuthErrorAsync(HttpResponseMessage response, HttpStatusCode status, string error, int code, string descriptionStart)
    {
        Assert.Equal(status, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal(error, body.GetProperty("error").GetString());
        Assert.Equal([code], body.GetProperty("error_codes").EnumerateArray().Select(c => c.GetInt32()));
        Assert.StartsWith($"AADSTS{code}: {descriptionStart}", body.GetProperty("error_description").GetString(), StringComparison.Ordinal);
        Assert.True(Guid.TryParse(body.GetProperty("trace_id").GetString(), out _));
        Assert.True(Guid.TryParse(body.GetProperty("correlation_id").GetString(), out _));
        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$", body.GetProperty("timestamp").GetString());
    }
}
