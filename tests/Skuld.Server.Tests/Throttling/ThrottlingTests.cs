using System.Net;
using Skuld.Server.Tests.Infrastructure;
using Skuld.Store.Auth;
using Skuld.Testing;

namespace Skuld.Server.Tests.Throttling;

/// <summary>
/// Graph-like throttling (reference §6): resource units per request, budgets per (tenant, app), 429
/// <c>TooManyRequests</c> with Graph's headers, and the fake clock deciding when a budget refills.
/// Budgets live in memory, not in the store, so these run on SQLite only.
/// </summary>
public sealed class ThrottlingTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Exceeding_the_resource_unit_budget_is_429_with_graph_headers_and_envelope()
    {
        await using var server = await SkuldServer.StartAsync(StoreKind.Sqlite);
        var tenant = await server.AddTenantAsync("contoso.com");
        var app = await server.AddAppAsync(tenant, "reporter", DirectoryRole.GlobalReader);
        // 4 units per 8 s: GET /users costs 2, so two pass and the third finds the bucket empty.
        var throttled = server.WithThrottling(resourceUnits: 4, window: 8);
        var client = throttled.CreateClientWithToken(await throttled.AppTokenAsync("contoso.com", app));

        var first = await client.GetAsync("/v1.0/users", Cancel);
        var second = await client.GetAsync("/v1.0/users", Cancel);
        var third = await client.GetAsync("/v1.0/users", Cancel);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("", first.Header("x-ms-throttle-limit-percentage"));
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("1.0", second.Header("x-ms-throttle-limit-percentage"));
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        var appId = app.Registration.AppId;
        Assert.Equal("4", third.Header("Retry-After")); // 2 units at 0.5 unit/s
        Assert.Equal($"Tenant_Application/ReadWrite/{appId}/{tenant.Id}", third.Header("x-ms-throttle-scope"));
        Assert.Equal("ResourceUnitLimitExceeded", third.Header("x-ms-throttle-information"));
        Assert.Equal("2", third.Header("x-ms-resource-unit"));
        var error = (await third.JsonAsync()).GetProperty("error");
        Assert.Equal("TooManyRequests", error.GetProperty("code").GetString());
        Assert.Equal(
            $"Too many requests from Identifier:{appId}+{tenant.Id} under category:throttle.aad.ags.msgraph.read. Please try again later.",
            error.GetProperty("message").GetString());
        Assert.Equal(third.Header("request-id"), error.GetProperty("innerError").GetProperty("request-id").GetString());
    }

    [Fact]
    public async Task A_client_that_waits_retry_after_is_let_in_and_one_that_waits_less_is_not()
    {
        await using var server = await SkuldServer.StartAsync(StoreKind.Sqlite);
        var tenant = await server.AddTenantAsync("contoso.com");
        var app = await server.AddAppAsync(tenant, "reporter", DirectoryRole.GlobalReader);
        var throttled = server.WithThrottling(resourceUnits: 4, window: 8);
        var client = throttled.CreateClientWithToken(await throttled.AppTokenAsync("contoso.com", app));
        await client.GetAsync("/v1.0/users", Cancel);
        await client.GetAsync("/v1.0/users", Cancel);
        var refused = await client.GetAsync("/v1.0/users", Cancel);
        var retryAfter = TimeSpan.FromSeconds(int.Parse(refused.Header("Retry-After"), System.Globalization.CultureInfo.InvariantCulture));

        server.Time.Advance(retryAfter - TimeSpan.FromSeconds(1));
        var early = await client.GetAsync("/v1.0/users", Cancel);
        Assert.Equal(HttpStatusCode.TooManyRequests, early.StatusCode);
        Assert.Equal("1", early.Header("Retry-After"));

        server.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1.0/users", Cancel)).StatusCode);
    }

    [Fact]
    public async Task Budgets_are_per_tenant_and_app()
    {
        await using var server = await SkuldServer.StartAsync(StoreKind.Sqlite);
        var contoso = await server.AddTenantAsync("contoso.com");
        var fabrikam = await server.AddTenantAsync("fabrikam.com");
        var greedy = await server.AddAppAsync(contoso, "greedy", DirectoryRole.GlobalReader);
        var neighbour = await server.AddAppAsync(contoso, "neighbour", DirectoryRole.GlobalReader);
        var elsewhere = await server.AddAppAsync(fabrikam, "elsewhere", DirectoryRole.GlobalReader);
        await server.AddUserAsync(contoso, "admin", roles: DirectoryRole.GlobalReader);
        var throttled = server.WithThrottling(resourceUnits: 4, window: 8);
        var greedyClient = throttled.CreateClientWithToken(await throttled.AppTokenAsync("contoso.com", greedy));
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await greedyClient.GetAsync("/v1.0/users", Cancel)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await greedyClient.GetAsync("/v1.0/users", Cancel)).StatusCode);

        var others = new[]
        {
            throttled.CreateClientWithToken(await throttled.AppTokenAsync("contoso.com", neighbour)),
            throttled.CreateClientWithToken(await throttled.AppTokenAsync("fabrikam.com", elsewhere)),
            throttled.CreateClientWithToken(await throttled.CreateClient().UserTokenAsync("contoso.com", "admin@contoso.com")),
        };
        foreach (var other in others)
        {
            Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/v1.0/users", Cancel)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/v1.0/users", Cancel)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await greedyClient.GetAsync("/v1.0/users", Cancel)).StatusCode);
    }

    [Fact]
    public async Task Exceeding_the_write_budget_is_429_write_limit_while_reads_still_pass()
    {
        await using var server = await SkuldServer.StartAsync(StoreKind.Sqlite);
        var tenant = await server.AddTenantAsync("contoso.com");
        var app = await server.AddAppAsync(tenant, "provisioner", DirectoryRole.UserAdministrator);
        var throttled = server.WithThrottling(resourceUnits: 100, window: 8, writeUnits: 1, writeWindow: 16);
        var client = throttled.CreateClientWithToken(await throttled.AppTokenAsync("contoso.com", app));

        Assert.Equal(HttpStatusCode.Created, (await client.CreateUserAsync("ann@contoso.com", Cancel)).StatusCode);
        var refused = await client.CreateUserAsync("bob@contoso.com", Cancel);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("16", refused.Header("Retry-After"));
        Assert.Equal($"Tenant_Application/Write/{app.Registration.AppId}/{tenant.Id}", refused.Header("x-ms-throttle-scope"));
        Assert.Equal("WriteLimitExceeded", refused.Header("x-ms-throttle-information"));
        Assert.EndsWith("under category:throttle.aad.ags.msgraph.write. Please try again later.",
            (await refused.JsonAsync()).GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1.0/users", Cancel)).StatusCode);

        server.Time.Advance(TimeSpan.FromSeconds(16));
        Assert.Equal(HttpStatusCode.Created, (await client.CreateUserAsync("bob@contoso.com", Cancel)).StatusCode);
    }

    [Fact]
    public async Task Every_v1_response_carries_its_resource_units_as_graph_prices_them()
    {
        await using var server = await SkuldServer.StartAsync(StoreKind.Sqlite);
        var tenant = await server.AddTenantAsync("contoso.com");
        var admin = await server.AddAppAsync(tenant, "admin", DirectoryRole.GlobalAdministrator);
        var user = await server.AddUserAsync(tenant, "ann");
        // Pricing does not need throttling on: the default server labels responses too.
        var client = server.CreateClient(await server.CreateClient().AppTokenAsync("contoso.com", admin));

        var expected = new (string Path, string Units)[]
        {
            ("/v1.0/users", "2"),
            ("/v1.0/users?$select=id", "1"),
            ("/v1.0/users?$top=5", "1"),
            ("/v1.0/users?$top=50", "2"),
            ("/v1.0/users?$select=id&$top=5", "1"),
            ($"/v1.0/users/{user.Id}", "1"),
            ($"/v1.0/users/{user.Id}/licenseDetails", "2"),
            ("/v1.0/subscribedSkus", "3"),
            ("/v1.0/organization", "1"),
            ("/v1.0/no-such-resource", "1"),
        };
        foreach (var (path, units) in expected)
        {
            var response = await client.GetAsync(path, Cancel);
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{path}: {response.StatusCode}");
            Assert.Equal((path, units), (path, response.Header("x-ms-resource-unit")));
        }

        Assert.Equal("1", (await client.CreateUserAsync("bob@contoso.com", Cancel)).Header("x-ms-resource-unit"));
    }

    [Fact]
    public async Task Throttling_is_off_unless_configured()
    {
        await using var server = await SkuldServer.StartAsync(StoreKind.Sqlite);
        var tenant = await server.AddTenantAsync("contoso.com");
        var app = await server.AddAppAsync(tenant, "reporter", DirectoryRole.GlobalReader);
        var client = server.CreateClient(await server.CreateClient().AppTokenAsync("contoso.com", app));

        for (var i = 0; i < 30; i++)
        {
            var response = await client.GetAsync("/v1.0/subscribedSkus", Cancel);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("", response.Header("x-ms-throttle-limit-percentage"));
        }
    }

    [Fact]
    public async Task The_token_endpoint_is_not_throttled()
    {
        await using var server = await SkuldServer.StartAsync(StoreKind.Sqlite);
        var tenant = await server.AddTenantAsync("contoso.com");
        var app = await server.AddAppAsync(tenant, "reporter", DirectoryRole.GlobalReader);
        var throttled = server.WithThrottling(resourceUnits: 1, window: 8);

        for (var i = 0; i < 5; i++)
        {
            var response = await throttled.CreateClient().RequestClientTokenAsync("contoso.com", app.Registration.AppId, app.Secret);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("", response.Header("x-ms-resource-unit"));
        }
    }
}
