using Microsoft.EntityFrameworkCore;
using Skuld.Store.Audit;
using Skuld.Store.Processing;
using Skuld.Testing;

namespace Skuld.Cli.Tests;

/// <summary><c>skuld tenant set --nested-group-licensing on|off</c> on the store directly.</summary>
public sealed class TenantSetVerbTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<Guid> TenantAsync(TestStore store) =>
        (await CliRun.RunAsync("tenant", "create", "--domain", "contoso.com", "--country", "US",
            "--admin", "admin@contoso.com", "--json", "--store", store.Spec)).Json().GetProperty("tenantId").GetGuid();

    [Theory, AllStores]
    public async Task Tenant_set_turns_nested_group_licensing_on_and_off_audited_and_queues_the_tenant_once_per_change(StoreKind kind)
    {
        await using var store = await TestStore.CreateEmptyAsync(kind, Ct);
        var tenantId = await TenantAsync(store);

        var on = (await CliRun.RunAsync("tenant", "set", "--tenant", "Contoso.com", "--nested-group-licensing", "on", "--json", "--store", store.Spec)).Json();
        Assert.Equal(("contoso.com", true, true),
            (on.GetProperty("tenant").GetString(), on.GetProperty("nestedGroupLicensing").GetBoolean(), on.GetProperty("changed").GetBoolean()));
        var again = (await CliRun.RunAsync("tenant", "set", "--tenant", "contoso.com", "--nested-group-licensing", "on", "--json", "--store", store.Spec)).Json();
        Assert.False(again.GetProperty("changed").GetBoolean());
        await using (var db = store.NewDb())
        {
            Assert.True(await db.Tenants.Where(t => t.Id == tenantId).Select(t => t.NestedGroupLicensing).SingleAsync(Ct));
            var work = Assert.Single(await db.LicenseWorkItems.Where(w => w.TenantId == tenantId).ToListAsync(Ct));
            Assert.Equal(LicenseWorkKind.Tenant, work.Kind);
            var audit = Assert.Single(await db.AuditEvents.Where(e => e.TenantId == tenantId && e.ActivityDisplayName == "Set company information").ToListAsync(Ct));
            Assert.Equal(Actor.Operator.AppId, audit.InitiatedByAppId);
        }

        var off = await CliRun.RunAsync("tenant", "set", "--tenant", "contoso.com", "--nested-group-licensing", "off", "--store", store.Spec);
        Assert.Equal(SkuldCli.Ok, off.ExitCode);
        Assert.Contains("Nested group licensing off for contoso.com", off.Output, StringComparison.Ordinal);
        Assert.Contains("queued for re-evaluation", off.Output, StringComparison.Ordinal);
        await using (var db = store.NewDb())
        {
            Assert.False(await db.Tenants.Where(t => t.Id == tenantId).Select(t => t.NestedGroupLicensing).SingleAsync(Ct));
            Assert.Equal(2, await db.LicenseWorkItems.CountAsync(w => w.TenantId == tenantId, Ct));
            Assert.Equal(2, await db.AuditEvents.CountAsync(e => e.TenantId == tenantId && e.ActivityDisplayName == "Set company information", Ct));
        }
    }

    [Theory, AllStores]
    public async Task Tenant_set_refuses_a_bad_value_and_an_unknown_tenant_and_changes_nothing(StoreKind kind)
    {
        await using var store = await TestStore.CreateEmptyAsync(kind, Ct);
        var tenantId = await TenantAsync(store);

        var bad = await CliRun.RunAsync("tenant", "set", "--tenant", "contoso.com", "--nested-group-licensing", "yes", "--store", store.Spec);
        Assert.Equal(SkuldCli.Usage, bad.ExitCode);
        Assert.Contains("yes", bad.Error, StringComparison.Ordinal);
        var missing = await CliRun.RunAsync("tenant", "set", "--tenant", "contoso.com", "--store", store.Spec);
        Assert.Equal(SkuldCli.Usage, missing.ExitCode);
        var unknown = await CliRun.RunAsync("tenant", "set", "--tenant", "fabrikam.com", "--nested-group-licensing", "on", "--store", store.Spec);
        Assert.Equal(SkuldCli.Failed, unknown.ExitCode);
        Assert.Contains("no tenant 'fabrikam.com'", unknown.Error, StringComparison.Ordinal);

        await using var db = store.NewDb();
        Assert.False(await db.Tenants.Where(t => t.Id == tenantId).Select(t => t.NestedGroupLicensing).SingleAsync(Ct));
        Assert.Empty(await db.LicenseWorkItems.ToListAsync(Ct));
    }
}
