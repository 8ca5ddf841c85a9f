using Microsoft.Graph;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Kiota.Abstractions.Authentication;
using Skuld.Server.Tests.Infrastructure;
using Skuld.Store.Auth;
using Skuld.Store.Directory;
using Skuld.Store.Licensing;

namespace Skuld.Server.Tests.Groups;

/// <summary>
/// A tenant with its own product (two plans) and an admin signed in through the official Graph SDK,
/// for the group tests. Each test builds its own with <see cref="StartAsync"/>.
/// </summary>
public sealed class GroupTestKit
{
    public static readonly Guid SkuId = new("9a7e0000-0000-4000-8000-000000000001");
    public static readonly Guid CorePlanId = new("9a7e0000-0000-4000-8000-0000000000a1");
    public static readonly Guid ExtraPlanId = new("9a7e0000-0000-4000-8000-0000000000a2");

    private GroupTestKit(SkuldServer server, Tenant tenant, GraphServiceClient graph)
    {
        Server = server;
        Tenant = tenant;
        Graph = graph;
    }

    public SkuldServer Server { get; }
    public Tenant Tenant { get; }
    /// <summary>Signed in as a Global Administrator of <see cref="Tenant"/>.</summary>
    public GraphServiceClient Graph { get; }

    public static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>A tenant <paramref name="domain"/> with <paramref name="units"/> seats of <see cref="SkuId"/> and a global admin.</summary>
    public static async Task<GroupTestKit> StartAsync(SkuldServer server, string domain = "contoso.com", int units = 10)
    {
        var tenant = await server.AddTenantAsync(domain);
        await server.AddProductAsync(tenant, units);
        await server.AddUserAsync(tenant, "admin", roles: DirectoryRole.GlobalAdministrator);
        return new GroupTestKit(server, tenant, await server.GraphAsync(domain, $"admin@{domain}"));
    }

    /// <summary>A user of the tenant with the given roles, signed in through the SDK.</summary>
    public async Task<GraphServiceClient> SignInAsync(string name, params DirectoryRole[] roles)
    {
        await Server.AddUserAsync(Tenant, name, roles: roles);
        return await Server.GraphAsync(Tenant.Domain, $"{name}@{Tenant.Domain}");
    }

    /// <summary>The same tenant seen through another signed-in client.</summary>
    public GroupTestKit With(GraphServiceClient graph) => new(Server, Tenant, graph);

    /// <summary>A plain HTTP client with the global admin's token, for what the SDK can't send (bad bodies, /api).</summary>
    public async Task<HttpClient> HttpAsync() =>
        Server.CreateClient(await Server.CreateClient().UserTokenAsync(Tenant.Domain, $"admin@{Tenant.Domain}"));

    public async Task<Microsoft.Graph.Models.Group> CreateGroupAsync(string name, bool unified = false) =>
        (await Graph.Groups.PostAsync(new Microsoft.Graph.Models.Group
        {
            DisplayName = name,
            MailNickname = name.Replace(" ", "", StringComparison.Ordinal),
            MailEnabled = unified,
            SecurityEnabled = true,
            GroupTypes = unified ? ["Unified"] : [],
        }, cancellationToken: Cancel))!; // Why '!': a 201 always has a body.

    public Task AddMemberAsync(string groupId, string memberId) =>
        Graph.Groups[groupId].Members.Ref.PostAsync(
            new Microsoft.Graph.Models.ReferenceCreate { OdataId = $"https://graph.microsoft.com/v1.0/directoryObjects/{memberId}" },
            cancellationToken: Cancel);

    public Task<Microsoft.Graph.Models.Group?> AssignAsync(string groupId, Guid skuId, params Guid[] disabledPlans) =>
        Graph.Groups[groupId].AssignLicense.PostAsync(new Microsoft.Graph.Groups.Item.AssignLicense.AssignLicensePostRequestBody
        {
            AddLicenses = [new Microsoft.Graph.Models.AssignedLicense { SkuId = skuId, DisabledPlans = [.. disabledPlans.Select(p => (Guid?)p)] }],
            RemoveLicenses = [],
        }, cancellationToken: Cancel);

    /// <summary>Runs a Graph call that must fail and returns the error.</summary>
    public static async Task<ODataError> FailsAsync(Func<Task> call, int status, string code)
    {
        var error = await Assert.ThrowsAsync<ODataError>(call);
        Assert.Equal(status, error.ResponseStatusCode);
        Assert.Equal(code, error.Error?.Code);
        return error;
    }
}

/// <summary>Seeding and SDK sign-in on a test server.</summary>
public static class GroupServerExtensions
{
    public static async Task AddProductAsync(this SkuldServer server, Tenant tenant, int units)
    {
        await using var db = server.NewDb();
        db.TenantProducts.Add(new TenantProduct
        {
            TenantId = tenant.Id,
            SkuId = GroupTestKit.SkuId,
            PartNumber = "SKULD_GROUPS",
            DisplayName = "Skuld group test product",
            Plans =
            [
                new TenantServicePlan { Id = GroupTestKit.CorePlanId, Name = "SKULD_CORE", FriendlyName = "Skuld core" },
                new TenantServicePlan { Id = GroupTestKit.ExtraPlanId, Name = "SKULD_EXTRA", FriendlyName = "Skuld extra" },
            ],
        });
        await SubscriptionUnits.AddAsync(db, tenant.Id, GroupTestKit.SkuId, units, server.Time, CancellationToken.None);
    }

    /// <summary>The official Graph SDK pointed at the test server with a user's token.</summary>
    public static async Task<GraphServiceClient> GraphAsync(this SkuldServer server, string tenant, string userPrincipalName)
    {
        var token = await server.CreateClient().UserTokenAsync(tenant, userPrincipalName);
        var http = server.CreateClient();
        return new GraphServiceClient(
            http, new BaseBearerTokenAuthenticationProvider(new StaticToken(token)), new Uri(http.BaseAddress!, "/v1.0").ToString()); // Why '!': the factory's client always has a base address.
    }

    private sealed class StaticToken(string token) : IAccessTokenProvider
    {
        public AllowedHostsValidator AllowedHostsValidator { get; } = new();

        public Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(token);
    }
}
