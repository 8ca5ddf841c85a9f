using System.Net;
using System.Text.Json;
using Microsoft.Graph;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Kiota.Abstractions.Authentication;
using Skuld.Licensing.Catalogue;
using Skuld.Server.Tests.Infrastructure;
using Skuld.Store;
using Skuld.Store.Auth;
using Skuld.Store.Directory;
using Skuld.Store.Licensing;
using Skuld.Testing;

namespace Skuld.Server.Tests.Graph;

/// <summary>
/// A running server with one tenant (<c>contoso.com</c>, country US), a Global Administrator app and a
/// Global Administrator user, the given subscriptions, and the official Graph SDK pointed at it with
/// the app's token. One per test: <c>await using var t = await GraphTestTenant.StartAsync(kind, ("ENTERPRISEPACK", 5));</c>
/// </summary>
public sealed class GraphTestTenant : IAsyncDisposable
{
    public const string Domain = "contoso.com";
    public const string AdminUpn = "admin@contoso.com";

    private GraphTestTenant(SkuldServer server, Tenant tenant, Store.Directory.User admin, string appToken)
    {
        Server = server;
        Tenant = tenant;
        Admin = admin;
        AppToken = appToken;
        Graph = ClientFor(appToken);
    }

    public SkuldServer Server { get; }
    public Tenant Tenant { get; }
    public Store.Directory.User Admin { get; }
    public string AppToken { get; }

    /// <summary>The Graph SDK as the Global Administrator app.</summary>
    public GraphServiceClient Graph { get; }

    public static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public static async Task<GraphTestTenant> StartAsync(StoreKind kind, params (string PartNumber, int Units)[] subscriptions)
    {
        var server = await SkuldServer.StartAsync(kind);
        try
        {
            var tenant = await server.AddTenantAsync(Domain);
            var admin = await server.AddUserAsync(tenant, "admin", roles: DirectoryRole.GlobalAdministrator);
            var app = await server.AddAppAsync(tenant, "graph-tests", DirectoryRole.GlobalAdministrator);
            var token = await server.CreateClient().AppTokenAsync(Domain, app);
            var graphTenant = new GraphTestTenant(server, tenant, admin, token);
            foreach (var (partNumber, units) in subscriptions)
            {
                await graphTenant.SubscribeAsync(partNumber, units);
            }

            return graphTenant;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>A built-in product by part number; fails the test when the catalogue lacks it.</summary>
    public static Product Product(string partNumber) =>
        ProductCatalogue.BuiltIn.FindByPartNumber(partNumber) ?? throw new InvalidOperationException($"No product {partNumber} in the catalogue.");

    public static Guid Sku(string partNumber) => Product(partNumber).SkuId;

    public static Guid Plan(string partNumber, string planName) =>
        Product(partNumber).Plans.Single(p => p.Name == planName).Id;

    /// <summary>Adds a subscription of <paramref name="units"/> enabled units of a built-in product.</summary>
    public async Task SubscribeAsync(string partNumber, int units)
    {
        await using var db = Server.NewDb();
        await SubscriptionUnits.AddAsync(db, Tenant.Id, Sku(partNumber), units, Server.Time, Cancel);
    }

    /// <summary>A user seeded straight into the store, optionally with a usage location.</summary>
    public async Task<Store.Directory.User> AddUserAsync(string name, string? usageLocation = "US")
    {
        var user = NewUser(name, usageLocation);
        await using var db = Server.NewDb();
        db.Users.Add(user);
        await db.SaveChangesAsync(Cancel);
        return user;
    }

    /// <summary>Many users in one insert (for listing and concurrency tests).</summary>
    public async Task<IReadOnlyList<Store.Directory.User>> AddUsersAsync(IEnumerable<string> names, string? usageLocation = "US")
    {
        List<Store.Directory.User> users = [.. names.Select(n => NewUser(n, usageLocation))];
        await using var db = Server.NewDb();
        db.Users.AddRange(users);
        await db.SaveChangesAsync(Cancel);
        return users;
    }

    public Store.Directory.User NewUser(string name, string? usageLocation) => new()
    {
        TenantId = Tenant.Id,
        Id = Guid.NewGuid(),
        UserPrincipalName = $"{name}@{Domain}",
        DisplayName = name,
        MailNickname = name,
        UsageLocation = usageLocation,
        CreatedDateTime = Server.Time.GetUtcNow(),
    };

    public SkuldDb NewDb() => Server.NewDb();

    /// <summary>The Graph SDK with another access token (e.g. a user's, for <c>/me</c>).</summary>
    public GraphServiceClient ClientFor(string accessToken) =>
        new(Server.CreateClient(), new BaseBearerTokenAuthenticationProvider(new StaticToken(accessToken)), "http://localhost/v1.0");

    /// <summary>The Global Administrator user's access token.</summary>
    public Task<string> AdminUserTokenAsync() => Server.CreateClient().UserTokenAsync(Domain, AdminUpn);

    /// <summary>Plain HTTP as the app, for bodies the SDK would never send.</summary>
    public HttpClient Http() => Server.CreateClient(AppToken);

    /// <summary>Graph's subscribedSku id.</summary>
    public string SubscribedSkuId(Guid skuId) => $"{Tenant.Id:D}_{skuId:D}";

    /// <summary>consumedUnits of a SKU as Graph reports it.</summary>
    public async Task<int?> ConsumedUnitsAsync(Guid skuId) =>
        (await Graph.SubscribedSkus[SubscribedSkuId(skuId)].GetAsync(cancellationToken: Cancel))!.ConsumedUnits;

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    /// <summary>Runs a Graph call that must fail and returns its error.</summary>
    public static async Task<ODataError> FailsAsync(Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<ODataError>(call);
        Assert.NotNull(error.Error);
        return error;
    }

    /// <summary>Asserts a Graph SDK error's status, code and message exactly.</summary>
    public static async Task AssertErrorAsync(Func<Task> call, int status, string code, string message)
    {
        var error = await FailsAsync(call);
        Assert.Equal((status, code, message), (error.ResponseStatusCode, error.Error!.Code, error.Error.Message));
    }

    /// <summary>Asserts a raw HTTP Graph error's status, code and message exactly.</summary>
    public static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code, string message)
    {
        var body = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
        Assert.Equal((code, message), (error.GetProperty("code").GetString(), error.GetProperty("message").GetString()));
    }

    /// <summary>The Graph SDK's bearer token source: one fixed token (see SETUP-NOTES).</summary>
    private sealed class StaticToken(string token) : IAccessTokenProvider
    {
        public AllowedHostsValidator AllowedHostsValidator { get; } = new();

        public Task<string> GetAuthorizationTokenAsync(
            Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(token);
    }
}
