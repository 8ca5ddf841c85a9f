using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Skuld.Server.Tests.Infrastructure;
using Skuld.Store.Auth;
using Skuld.Testing;

namespace Skuld.Server.Tests.Auth;

/// <summary>Who may call <c>/v1.0</c>: the token is validated and the caller looked up in the directory on every request.</summary>
public sealed class CallerTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory, AllStores]
    public async Task Me_returns_the_signed_in_user_in_graph_shape_even_without_a_role(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var tenant = await server.AddTenantAsync("contoso.com");
        var user = await server.AddUserAsync(tenant, "adele");
        var token = await server.CreateClient().UserTokenAsync("contoso.com", "adele@contoso.com");

        var response = await server.CreateClient(token).GetAsync("/v1.0/me", Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var me = await response.JsonAsync();
        Assert.Equal(user.Id.ToString(), me.GetProperty("id").GetString());
        Assert.Equal("adele@contoso.com", me.GetProperty("userPrincipalName").GetString());
        Assert.Equal("adele", me.GetProperty("displayName").GetString());
        Assert.EndsWith("/v1.0/$metadata#users/$entity", me.GetProperty("@odata.context").GetString(), StringComparison.Ordinal);
    }

    [Theory, AllStores]
    public async Task Me_with_an_app_token_is_refused_as_graph_does(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var tenant = await server.AddTenantAsync("contoso.com");
        var app = await server.AddAppAsync(tenant, "Provisioning", DirectoryRole.GlobalAdministrator);
        var token = await server.CreateClient().AppTokenAsync("contoso.com", app);

        var response = await server.CreateClient(token).GetAsync("/v1.0/me", Cancel);

        await AssertGraphErrorAsync(response, HttpStatusCode.BadRequest, "BadRequest", "/me request is only valid with delegated authentication flow.");
    }

    [Theory, AllStores]
    public async Task No_authorization_header_is_401_access_token_is_empty_on_any_v1_path(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var client = server.CreateClient();

        foreach (var path in new[] { "/v1.0/me", "/v1.0/no-such-resource" })
        {
            await AssertGraphErrorAsync(await client.GetAsync(path, Cancel), HttpStatusCode.Unauthorized, "InvalidAuthenticationToken", "Access token is empty.");
        }
    }

    [Theory, AllStores]
    public async Task Token_past_its_hour_is_401_expired(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var tenant = await server.AddTenantAsync("contoso.com");
        await server.AddUserAsync(tenant, "admin");
        var client = server.CreateClient(await server.CreateClient().UserTokenAsync("contoso.com", "admin@contoso.com"));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1.0/me", Cancel)).StatusCode);

        server.Time.Advance(TimeSpan.FromMinutes(62));

        await AssertGraphErrorAsync(await client.GetAsync("/v1.0/me", Cancel),
            HttpStatusCode.Unauthorized, "InvalidAuthenticationToken", "Access token has expired or is not yet valid.");
    }

    [Theory, AllStores]
    public async Task Token_whose_payload_was_changed_fails_its_signature(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var tenant = await server.AddTenantAsync("contoso.com");
        var admin = await server.AddUserAsync(tenant, "admin", roles: DirectoryRole.GlobalAdministrator);
        await server.AddUserAsync(tenant, "mallory");
        var token = await server.CreateClient().UserTokenAsync("contoso.com", "mallory@contoso.com");

        // Mallory claims to be the admin, keeping her own signature.
        var parts = token.Split('.');
        var payload = JsonNode.Parse(Base64UrlEncoder.Decode(parts[1]))!;
        payload["oid"] = admin.Id.ToString();
        payload["sub"] = admin.Id.ToString();
        var forged = $"{parts[0]}.{Base64UrlEncoder.Encode(payload.ToJsonString())}.{parts[2]}";

        await AssertGraphErrorAsync(await server.CreateClient(forged).GetAsync("/v1.0/me", Cancel),
            HttpStatusCode.Unauthorized, "InvalidAuthenticationToken", "Access token validation failure. Invalid signature.");
    }

    [Theory, AllStores]
    public async Task Garbage_token_is_401_not_well_formed(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);

        await AssertGraphErrorAsync(await server.CreateClient("not-a-token").GetAsync("/v1.0/me", Cancel),
            HttpStatusCode.Unauthorized, "InvalidAuthenticationToken", "IDX14100: JWT is not well formed, there are no dots (.).");
    }

    [Theory, AllStores]
    public async Task Token_for_another_audience_is_401_invalid_audience(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var tenant = await server.AddTenantAsync("contoso.com");
        var admin = await server.AddUserAsync(tenant, "admin");
        await server.CreateClient().UserTokenAsync("contoso.com", "admin@contoso.com");
        SigningKey stored;
        await using (var db = server.NewDb())
        {
            stored = await db.SigningKeys.SingleAsync(Cancel);
        }

        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = $"https://sts.skuld.local/{tenant.Id}/",
            Audience = "https://management.azure.com",
            Claims = new Dictionary<string, object> { ["tid"] = tenant.Id.ToString(), ["oid"] = admin.Id.ToString(), ["idtyp"] = "user" },
            IssuedAt = server.Time.GetUtcNow().UtcDateTime,
            NotBefore = server.Time.GetUtcNow().UtcDateTime,
            Expires = server.Time.GetUtcNow().UtcDateTime.AddHours(1),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(stored.Key) { KeyId = stored.Id.ToString() }, SecurityAlgorithms.HmacSha256),
        });

        await AssertGraphErrorAsync(await server.CreateClient(token).GetAsync("/v1.0/me", Cancel),
            HttpStatusCode.Unauthorized, "InvalidAuthenticationToken", "Access token validation failure. Invalid audience.");
    }

    [Theory, AllStores]
    public async Task Token_issued_by_one_server_process_is_accepted_by_another_on_the_same_store(StoreKind kind)
    {
        await using var first = await SkuldServer.StartAsync(kind);
        await using var second = first.OnSameStore();
        var tenant = await first.AddTenantAsync("contoso.com");
        await first.AddUserAsync(tenant, "admin");

        // The second process creates the key; the first must read it rather than make its own.
        var token = await second.CreateClient().UserTokenAsync("contoso.com", "admin@contoso.com");

        Assert.Equal(HttpStatusCode.OK, (await first.CreateClient(token).GetAsync("/v1.0/me", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await second.CreateClient(token).GetAsync("/v1.0/me", Cancel)).StatusCode);
    }

    [Theory, AllStores]
    public async Task Token_of_a_deleted_or_disabled_user_or_deleted_app_is_401_at_once(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var tenant = await server.AddTenantAsync("contoso.com");
        var leaver = await server.AddUserAsync(tenant, "leaver", roles: DirectoryRole.GlobalAdministrator);
        var suspended = await server.AddUserAsync(tenant, "suspended", roles: DirectoryRole.GlobalAdministrator);
        var app = await server.AddAppAsync(tenant, "Old sync", DirectoryRole.GlobalAdministrator);
        var anonymous = server.CreateClient();
        var leaverClient = server.CreateClient(await anonymous.UserTokenAsync("contoso.com", "leaver@contoso.com"));
        var suspendedClient = server.CreateClient(await anonymous.UserTokenAsync("contoso.com", "suspended@contoso.com"));
        var appClient = server.CreateClient(await anonymous.AppTokenAsync("contoso.com", app));
        Assert.Equal(HttpStatusCode.OK, (await leaverClient.GetAsync("/v1.0/me", Cancel)).StatusCode);

        await using (var db = server.NewDb())
        {
            await db.Users.Where(u => u.Id == leaver.Id).ExecuteDeleteAsync(Cancel);
            await db.Users.Where(u => u.Id == suspended.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.AccountEnabled, false), Cancel);
            await db.AppRegistrations.Where(a => a.Id == app.Registration.Id).ExecuteDeleteAsync(Cancel);
        }

        foreach (var client in new[] { leaverClient, suspendedClient, appClient })
        {
            await AssertGraphErrorAsync(await client.GetAsync("/v1.0/me", Cancel), HttpStatusCode.Unauthorized, "InvalidAuthenticationToken",
                "Access token validation failure. The token's user or application no longer exists or is disabled.");
        }
    }

    [Theory, AllStores]
    public async Task Token_of_a_deleted_tenant_is_401(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var tenant = await server.AddTenantAsync("contoso.com");
        await server.AddUserAsync(tenant, "admin", roles: DirectoryRole.GlobalAdministrator);
        var client = server.CreateClient(await server.CreateClient().UserTokenAsync("contoso.com", "admin@contoso.com"));

        await using (var db = server.NewDb())
        {
            await db.Tenants.Where(t => t.Id == tenant.Id).ExecuteDeleteAsync(Cancel);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/v1.0/me", Cancel)).StatusCode);
    }

    internal static async Task AssertGraphErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code, string messageStart)
    {
        Assert.Equal(status, response.StatusCode);
        var error = (await response.JsonAsync()).GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.StartsWith(messageStart, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.String, error.GetProperty("innerError").GetProperty("request-id").ValueKind);
    }
}
