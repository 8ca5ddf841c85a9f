using Microsoft.EntityFrameworkCore;
using Skuld.Store.Audit;
using Skuld.Testing;

namespace Skuld.Cli.Tests;

public sealed class AuditVerbTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<Guid> TenantAsync(TestStore store)
    {
        var json = (await CliRun.RunAsync("tenant", "create", "--domain", "contoso.com", "--country", "US",
            "--admin", "admin@contoso.com", "--json", "--store", store.Spec)).Json();
        return json.GetProperty("tenantId").GetGuid();
    }

    [Theory, AllStores]
    public async Task Audit_verify_is_ok_until_an_event_is_changed_then_names_it_and_exits_1(StoreKind kind)
    {
        await using var store = await TestStore.CreateEmptyAsync(kind, Ct);
        var tenantId = await TenantAsync(store);

        var intact = (await CliRun.RunAsync("audit", "verify", "--tenant", "contoso.com", "--json", "--store", store.Spec)).Json();
        Assert.Equal("intact", intact.GetProperty("status").GetString());
        Assert.True(intact.GetProperty("count").GetInt64() > 0);

        Guid victim;
        await using (var db = store.NewDb())
        {
            victim = await db.AuditEvents.Where(e => e.TenantId == tenantId).OrderBy(e => e.Sequence).Select(e => e.Id).FirstAsync(Ct);
            await db.Database.ExecuteSqlAsync($"UPDATE audit_events SET activity_display_name = 'Changed' WHERE id = {victim}", Ct);
        }

        var broken = await CliRun.RunAsync("audit", "verify", "--tenant", "contoso.com", "--store", store.Spec);
        Assert.Equal(SkuldCli.Failed, broken.ExitCode);
        Assert.Contains(victim.ToString(), broken.Error, StringComparison.Ordinal);
        Assert.Contains("sequence 1", broken.Error, StringComparison.Ordinal);
    }

    [Theory, AllStores]
    public async Task Audit_purge_refuses_without_retention_and_is_audited_with_one(StoreKind kind)
    {
        await using var store = await TestStore.CreateEmptyAsync(kind, Ct);
        var tenantId = await TenantAsync(store);

        var refused = await CliRun.RunAsync("audit", "purge", "--tenant", "contoso.com", "--store", store.Spec);
        Assert.Equal(SkuldCli.Failed, refused.ExitCode);
        Assert.Contains("retention", refused.Error, StringComparison.Ordinal);

        var set = (await CliRun.RunAsync("audit", "retention", "--tenant", "contoso.com", "--days", "1", "--json", "--store", store.Spec)).Json();
        Assert.Equal(1, set.GetProperty("retentionDays").GetInt32());
        // Age the tenant's events so the retention applies.
        await using (var db = store.NewDb())
        {
            await db.AuditEvents.Where(e => e.TenantId == tenantId)
                .ExecuteUpdateAsync(s => s.SetProperty(e => e.ActivityDateTime, DateTimeOffset.UtcNow.AddDays(-3)), Ct);
        }

        var purged = (await CliRun.RunAsync("audit", "purge", "--tenant", "contoso.com", "--json", "--store", store.Spec)).Json();
        Assert.True(purged.GetProperty("deleted").GetInt64() > 0);
        var verified = (await CliRun.RunAsync("audit", "verify", "--tenant", "contoso.com", "--json", "--store", store.Spec)).Json();
        Assert.Equal("intact", verified.GetProperty("status").GetString());
        Assert.Equal(1, verified.GetProperty("count").GetInt64());
        await using var reader = store.NewDb();
        var left = await reader.AuditEvents.SingleAsync(e => e.TenantId == tenantId, Ct);
        Assert.Equal(AuditRetention.PurgeActivity, left.ActivityDisplayName);
    }

    [Theory, AllStores]
    public async Task History_prints_the_licenses_held_at_a_time(StoreKind kind)
    {
        await using var store = await TestStore.CreateEmptyAsync(kind, Ct);
        await TenantAsync(store);
        await CliRun.RunAsync("subscription", "add", "--tenant", "contoso.com", "--sku", "ENTERPRISEPACK", "--units", "5", "--store", store.Spec);
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        await using (var db = store.NewDb())
        {
            var admin = await db.Users.SingleAsync(Ct);
            var sku = await db.TenantSkus.SingleAsync(Ct);
            var result = await Skuld.Store.Licensing.DirectLicensing.AssignAsync(db, admin.TenantId, admin.Id,
                [new Skuld.Licensing.Engine.LicenseRequest(sku.SkuId, [])], [], Actor.Operator, Guid.NewGuid(), TimeProvider.System, Ct);
            Assert.IsType<Skuld.Store.Licensing.DirectLicenseResult.Applied>(result);
        }

        var earlier = (await CliRun.RunAsync("history", "--tenant", "contoso.com", "--user", "admin@contoso.com",
            "--at", before.ToString("O"), "--json", "--store", store.Spec)).Json();
        Assert.Empty(earlier.GetProperty("licenses").EnumerateArray());

        var now = (await CliRun.RunAsync("history", "--tenant", "contoso.com", "--user", "admin@contoso.com",
            "--at", DateTimeOffset.UtcNow.AddMinutes(1).ToString("O"), "--json", "--store", store.Spec)).Json();
        Assert.Equal("ENTERPRISEPACK", Assert.Single(now.GetProperty("licenses").EnumerateArray()).GetProperty("skuPartNumber").GetString());

        var text = await CliRun.RunAsync("history", "--tenant", "contoso.com", "--user", "admin@contoso.com",
            "--at", DateTimeOffset.UtcNow.AddMinutes(1).ToString("O"), "--store", store.Spec);
        Assert.Equal(SkuldCli.Ok, text.ExitCode);
        Assert.Contains("ENTERPRISEPACK", text.Output, StringComparison.Ordinal);

        var badTime = await CliRun.RunAsync("history", "--tenant", "contoso.com", "--user", "admin@contoso.com", "--at", "soon", "--store", store.Spec);
        Assert.Equal(SkuldCli.Usage, badTime.ExitCode);
    }
}
