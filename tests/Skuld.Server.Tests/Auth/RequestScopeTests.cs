using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Skuld.Server.Auth;
using Skuld.Server.Tests.Infrastructure;
using Skuld.Store;
using Skuld.Testing;

namespace Skuld.Server.Tests.Auth;

/// <summary>
/// Issue #4, isolation on the server: the request's context is scoped to the caller's tenant once, by the
/// auth middleware, so an endpoint that forgets every tenant condition still sees and changes only its
/// caller's tenant. Checked on a second process on the same store with such careless endpoints.
/// </summary>
public sealed class RequestScopeTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private sealed record Seen(Guid? Scope, List<string> Users, int Renamed);

    [Theory, AllStores]
    public async Task An_endpoint_without_any_tenant_condition_sees_and_changes_only_the_callers_tenant(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var contoso = await server.AddTenantAsync("contoso.com");
        var fabrikam = await server.AddTenantAsync("fabrikam.com");
        await server.AddUserAsync(contoso, "admin");
        await server.AddUserAsync(contoso, "adele");
        await server.AddUserAsync(fabrikam, "admin");
        await using var careless = await CarelessAppAsync(server);
        var token = await server.CreateClient().UserTokenAsync("contoso.com", "admin@contoso.com");

        var response = await careless.GetTestClient().SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1.0/careless") { Headers = { Authorization = new("Bearer", token) } }, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var seen = await response.Content.ReadFromJsonAsync<Seen>(Cancel);
        Assert.NotNull(seen);
        Assert.Equal(contoso.Id, seen.Scope);
        Assert.Equal(["adele@contoso.com", "admin@contoso.com"], seen.Users);
        Assert.Equal(2, seen.Renamed);
        await using var db = server.NewDb();
        Assert.Equal(["admin"], await db.Users.Where(u => u.TenantId == fabrikam.Id).Select(u => u.DisplayName).ToListAsync(Cancel));
        Assert.All(await db.Users.Where(u => u.TenantId == contoso.Id).Select(u => u.DisplayName).ToListAsync(Cancel), name => Assert.Equal("Renamed", name));
    }

    [Theory, AllStores]
    public async Task Without_a_caller_the_requests_context_sees_no_tenant(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var contoso = await server.AddTenantAsync("contoso.com");
        await server.AddUserAsync(contoso, "admin");
        await using var careless = await CarelessAppAsync(server);

        var seen = await careless.GetTestClient().GetFromJsonAsync<Seen>("/anonymous/careless", Cancel);

        Assert.NotNull(seen);
        Assert.Null(seen.Scope);
        Assert.Empty(seen.Users);
    }

    /// <summary>A server process on the test server's store whose endpoints query users with no tenant condition at all.</summary>
    private static async Task<WebApplication> CarelessAppAsync(SkuldServer server)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton<TimeProvider>(server.Time);
        builder.Services.AddSkuldStore(server.Store.Location);
        builder.Services.AddSkuldAuth();
        var app = builder.Build();
        app.UseSkuldAuth();
        app.MapSkuldAuth();
        app.MapPost("/v1.0/careless", async (SkuldDb db, CancellationToken ct) =>
        {
            var renamed = await db.Users.ExecuteUpdateAsync(s => s.SetProperty(u => u.DisplayName, "Renamed"), ct);
            return new Seen(db.ScopedTenantId, await db.Users.OrderBy(u => u.UserPrincipalName).Select(u => u.UserPrincipalName).ToListAsync(ct), renamed);
        }).RequireCaller();
        app.MapGet("/anonymous/careless", async (SkuldDb db, CancellationToken ct) =>
            new Seen(db.ScopedTenantId, await db.Users.Select(u => u.UserPrincipalName).ToListAsync(ct), 0));
        await app.StartAsync();
        return app;
    }
}
