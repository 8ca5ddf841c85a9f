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

/// <summary>
/// Who may call <c>/v1.0</c>: the token is validated and the caller looked up in the directory on every
/// request. Refusals are checked on the real server (any <c>/v1.0</c> path needs a caller); acceptance
/// on <see cref="PermissionProbe"/>'s <c>/v1.0/probe/caller</c>, a second process on the same store.
/// </summary>
public sealed class CallerTests
{
    private const string Empty = "Access token is empty.";
    private const string Gone = "Access token validation failure. The token's user or application no longer exists or is disabled.";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory, AllStores]
    public async Task No_authorization_header_is_401_access_token_is_empty_on_any_v1_path(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var client = server.CreateClient();

        foreach (var path in new[] { "/v1.0/me", "/v1.0/users", "/v1.0/no-such-resource" })
        {
            await AssertGraphErrorAsync(await client.GetAsync(path, Cancel), HttpStatusCode.Unauthorized, "InvalidAuthenticationToken", Empty);
        }
    }

    [Theory, AllStores]
    public async Task Token_past_its_hour_is_401_expired(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        await using var probe = await PermissionProbe.StartAsync(server);
        var tenant = await server.AddTenantAsync("contoso.com");
        await server.AddUserAsync(tenant, "admin");
        var token = await server.CreateClient().UserTokenAsync("contoso.com", "admin@contoso.com");
        Assert.Equal(HttpStatusCode.OK, (await probe.CreateClient(token).GetAsync("/v1.0/probe/caller", Cancel)).StatusCode);

        server.Time.Advance(TimeSpan.FromMinutes(62));

        foreach (var response in new[]
        {
            await probe.CreateClient(token).GetAsync("/v1.0/probe/caller", Cancel), await server.CreateClient(token).GetAsync("/v1.0/me", Cancel),
        })
        {
            await AssertGraphErrorAsync(response, HttpStatusCode.Unauthorized, "InvalidAuthenticationToken", "Access token has expired or is not yet valid.");
        }
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

        await AssertGraphErrorAsync(await server.CreateClient(forged).GetAsync("/v1.0/users", Cancel),
            HttpStatusCode.Unauthorized, "InvalidAuthenticationToken", "Access token validation failure. Invalid signature.");
    }

    [Theory, AllStores]
    public async Task Garbage_token_is_401_not_well_formed(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);

        await AssertGraphErrorAsync(await server.CreateClient("not-a-token").GetAsync("/v1.0/me", Cancel),
            HttpStatusCode.Unauthorized, "InvalidAuthenticationToken", "IDX14100: JWT is not well formed, there are no dots (.).");
        await AssertGraphErrorAsync(await server.CreateClient("not.a.token").GetAsync("/v1.0/me", Cancel),
            HttpStatusCode.Unauthorized, "InvalidAuthenticationToken", "Access token validation failure. The token is not a well-formed JWT.");
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

        var now = server.Time.GetUtcNow().UtcDateTime;
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = $"https://sts.skuld.local/{tenant.Id}/",
            Audience = "https://management.azure.com",
            Claims = new Dictionary<string, object> { ["tid"] = tenant.Id.ToString(), ["oid"] = admin.Id.ToString(), ["idtyp"] = "user" },
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddHours(1),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(stored.Key) { KeyId = stored.Id.ToString() }, SecurityAlgorithms.HmacSha256),
        });

        await AssertGraphErrorAsync(await server.CreateClient(token).GetAsync("/v1.0/me", Cancel),
            HttpStatusCode.Unauthorized, "InvalidAuthenticationToken", "Access token validation failure. Invalid audience.");
    }

    [Theory, AllStores]
    public async Task Tokens_issued_by_two_server_processes_racing_to_create_the_key_are_accepted_by_both(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        await using var first = await PermissionProbe.StartAsync(server);
        await using var second = await PermissionProbe.StartAsync(server);
        var tenant = await server.AddTenantAsync("contoso.com");
        await server.AddUserAsync(tenant, "admin");

        // Neither process has a key yet: both create one at the same moment and must end up with the same.
        var tokens = await Task.WhenAll(
            first.CreateClient().UserTokenAsync("contoso.com", "admin@contoso.com"),
            second.CreateClient().UserTokenAsync("contoso.com", "admin@contoso.com"));

        foreach (var process in new[] { first, second })
        {
            foreach (var token in tokens)
            {
                Assert.Equal(HttpStatusCode.OK, (await process.CreateClient(token).GetAsync("/v1.0/probe/caller", Cancel)).StatusCode);
            }
        }
    }

    [Theory, AllStores]
    public async Task Token_of_a_deleted_or_disabled_user_or_deleted_app_is_401_at_once(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        await using var probe = await PermissionProbe.StartAsync(server);
        var tenant = await server.AddTenantAsync("contoso.com");
        var leaver = await server.AddUserAsync(tenant, "leaver", roles: DirectoryRole.GlobalAdministrator);
        var suspended = await server.AddUserAsync(tenant, "suspended", roles: DirectoryRole.GlobalAdministrator);
        var app = await server.AddAppAsync(tenant, "Old sync", DirectoryRole.GlobalAdministrator);
        var anonymous = server.CreateClient();
        var tokens = new[]
        {
            await anonymous.UserTokenAsync("contoso.com", "leaver@contoso.com"),
            await anonymous.UserTokenAsync("contoso.com", "suspended@contoso.com"),
            await anonymous.AppTokenAsync("contoso.com", app),
        };
        foreach (var token in tokens)
        {
            Assert.Equal(HttpStatusCode.OK, (await probe.CreateClient(token).GetAsync("/v1.0/probe/caller", Cancel)).StatusCode);
        }

        await using (var db = server.NewDb())
        {
            await db.Users.Where(u => u.Id == leaver.Id).ExecuteDeleteAsync(Cancel);
            await db.Users.Where(u => u.Id == suspended.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.AccountEnabled, false), Cancel);
            await db.AppRegistrations.Where(a => a.Id == app.Registration.Id).ExecuteDeleteAsync(Cancel);
        }

        foreach (var token in tokens)
        {
            await AssertGraphErrorAsync(await probe.CreateClient(token).GetAsync("/v1.0/probe/caller", Cancel),
                HttpStatusCode.Unauthorized, "InvalidAuthenticationToken", Gone);
        }
    }

    [Theory, AllStores]
    public async Task Token_of_a_deleted_tenant_is_401(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        await using var probe = await PermissionProbe.StartAsync(server);
        var tenant = await server.AddTenantAsync("contoso.com");
        await server.AddUserAsync(tenant, "admin", roles: DirectoryRole.GlobalAdministrator);
        var client = probe.CreateClient(await server.CreateClient().UserTokenAsync("contoso.com", "admin@contoso.com"));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1.0/probe/caller", Cancel)).StatusCode);

        await using (var db = server.NewDb())
        {
            await db.Tenants.Where(t => t.Id == tenant.Id).ExecuteDeleteAsync(Cancel);
        }

        await AssertGraphErrorAsync(await client.GetAsync("/v1.0/probe/caller", Cancel), HttpStatusCode.Unauthorized, "InvalidAuthenticationToken", Gone);
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
