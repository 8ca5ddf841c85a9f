using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Graph.Users.Item.AssignLicense;
using Skuld.Server.Tests.Infrastructure;
using DirectoryRole = Skuld.Store.Auth.DirectoryRole;
using Skuld.Store.Bootstrap;
using GraphUser = Microsoft.Graph.Models.User;
using Tenant = Skuld.Store.Directory.Tenant;

namespace Skuld.Server.Tests.Audit;

/// <summary>
/// One tenant where a Global Administrator (a user) and a provisioning app (User Administrator) make
/// changes through the Graph API, one minute apart on the server's clock, so that the audit log has
/// known events to read back. The Reports Reader reads them.
/// </summary>
public sealed class AuditScenario
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public const string Domain = "contoso.com";
    public const string AppName = "Provisioner";

    public required SkuldServer Server { get; init; }
    public required Tenant Tenant { get; init; }
    public required Store.Directory.User Admin { get; init; }
    public required TestDirectory.App App { get; init; }
    public required Guid SkuId { get; init; }
    public required GraphServiceClient Reader { get; init; }
    public required DateTimeOffset Start { get; init; }
    public required string AliceId { get; init; }
    public required string BobId { get; init; }

    /// <summary>
    /// In order, a minute apart: (1) admin adds alice; (2) admin renames alice and sets her job title;
    /// (3) the app gives alice ENTERPRISEPACK; (4) the app adds bob (no usage location); (5) the app's
    /// license for bob is refused; (6) admin removes alice's license. The subscription (1 seat) was added
    /// by the operator at the start.
    /// </summary>
    public static async Task<AuditScenario> RunAsync(SkuldServer server)
    {
        // Whole seconds: PostgreSQL keeps microseconds, and the tests compare times exactly.
        var now = server.Time.GetUtcNow();
        server.Time.Advance(TimeSpan.FromTicks(TimeSpan.TicksPerSecond - (now.UtcTicks % TimeSpan.TicksPerSecond)));
        var tenant = await server.AddTenantAsync(Domain);
        var admin = await server.AddUserAsync(tenant, "admin", roles: DirectoryRole.GlobalAdministrator);
        await server.AddUserAsync(tenant, "reports", roles: DirectoryRole.ReportsReader);
        var app = await server.AddAppAsync(tenant, AppName, DirectoryRole.UserAdministrator);
        Guid skuId;
        await using (var db = server.NewDb())
        {
            var added = await TenantBootstrap.AddSubscriptionAsync(db, Domain, "ENTERPRISEPACK", 1, server.Time, CancellationToken.None);
            Assert.True(added.Succeeded, added.Error?.Message);
            skuId = added.Value.SkuId;
        }

        var start = server.Time.GetUtcNow();
        var asAdmin = await server.GraphForUserAsync(Domain, admin.UserPrincipalName);
        var asApp = await server.GraphForAppAsync(Domain, app);

        server.Time.Advance(TimeSpan.FromMinutes(1));
        var alice = await asAdmin.Users.PostAsync(NewUser("alice", "US"), cancellationToken: Ct);
        server.Time.Advance(TimeSpan.FromMinutes(1));
        await asAdmin.Users[alice!.Id].PatchAsync(new GraphUser { DisplayName = "Alice Smith", JobTitle = "Engineer" }, cancellationToken: Ct);
        server.Time.Advance(TimeSpan.FromMinutes(1));
        await asApp.Users[alice.Id].AssignLicense.PostAsync(Licenses(add: skuId), cancellationToken: Ct);
        server.Time.Advance(TimeSpan.FromMinutes(1));
        var bob = await asApp.Users.PostAsync(NewUser("bob", usageLocation: null), cancellationToken: Ct);
        server.Time.Advance(TimeSpan.FromMinutes(1));
        var refused = await Assert.ThrowsAsync<ODataError>(() => asApp.Users[bob!.Id].AssignLicense.PostAsync(Licenses(add: skuId), cancellationToken: Ct));
        Assert.Equal(400, refused.ResponseStatusCode);
        server.Time.Advance(TimeSpan.FromMinutes(1));
        await asAdmin.Users[alice.Id].AssignLicense.PostAsync(Licenses(remove: skuId), cancellationToken: Ct);

        return new AuditScenario
        {
            Server = server,
            Tenant = tenant,
            Admin = admin,
            App = app,
            SkuId = skuId,
            Reader = await server.GraphForUserAsync(Domain, $"reports@{Domain}"),
            Start = start,
            AliceId = alice.Id!, // Why '!': Graph returns the created user's id.
            BobId = bob!.Id!, // Why '!': Graph returns the created user's id.
        };
    }

    /// <summary>The time of step <paramref name="step"/> (0 is the subscription).</summary>
    public DateTimeOffset At(int step) => Start + TimeSpan.FromMinutes(step);

    /// <summary>Every event the reader can list, in the server's order, following nextLinks.</summary>
    public async Task<List<DirectoryAudit>> ListAllAsync(string? filter = null, int? top = null, string? orderBy = null)
    {
        var page = await Reader.AuditLogs.DirectoryAudits.GetAsync(r =>
        {
            r.QueryParameters.Filter = filter;
            r.QueryParameters.Top = top;
            r.QueryParameters.Orderby = orderBy is null ? null : [orderBy];
        }, Ct);
        var all = new List<DirectoryAudit>();
        while (page is not null)
        {
            all.AddRange(page.Value ?? []);
            page = page.OdataNextLink is { } next ? await Reader.AuditLogs.DirectoryAudits.WithUrl(next).GetAsync(cancellationToken: Ct) : null;
        }

        return all;
    }

    private static GraphUser NewUser(string name, string? usageLocation) => new()
    {
        AccountEnabled = true,
        DisplayName = name,
        MailNickname = name,
        UserPrincipalName = $"{name}@{Domain}",
        UsageLocation = usageLocation,
        PasswordProfile = new PasswordProfile { Password = TestDirectory.Password, ForceChangePasswordNextSignIn = false },
    };

    private static AssignLicensePostRequestBody Licenses(Guid? add = null, Guid? remove = null) => new()
    {
        AddLicenses = add is { } a ? [new AssignedLicense { SkuId = a, DisabledPlans = [] }] : [],
        RemoveLicenses = remove is { } r ? [r] : [],
    };
}
