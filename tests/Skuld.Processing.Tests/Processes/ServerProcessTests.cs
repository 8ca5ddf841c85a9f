using Microsoft.EntityFrameworkCore;
using Skuld.Licensing.Engine;
using Skuld.Store.Audit;
using Skuld.Store.Directory;
using Skuld.Store.Licensing;
using Skuld.Store.Processing;
using Skuld.Testing;

namespace Skuld.Processing.Tests.Processes;

/// <summary>
/// Group processing across real server processes: one killed with SIGKILL in the middle of a job and
/// restarted, and two sharing one PostgreSQL database.
/// </summary>
public sealed class ServerProcessTests
{
    private static readonly Guid SkuId = new("c0a5e000-0000-4000-8000-000000000001");
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <param name="shortBy">Seats fewer than members: 500 walks the members in membership order (the seat queue), 0 in user-id order.</param>
    [Theory]
    [InlineData(500)]
    [InlineData(0)]
    public async Task A_server_killed_mid_job_and_restarted_ends_as_an_uninterrupted_run_with_each_audit_event_once(int shortBy)
    {
        const int members = 50_000;
        await using var crashed = await TestStore.CreateAsync(StoreKind.Sqlite, Cancel);
        await using var reference = await TestStore.CreateAsync(StoreKind.Sqlite, Cancel);
        var (tenantId, groupId) = await SeedAsync(crashed, members, seats: members - shortBy);
        await SeedAsync(reference, members, seats: members - shortBy);

        using (var first = ServerProcess.Start(crashed.Spec, "first", batchSize: 2_000))
        {
            // Kill once a few batches are committed: the job is then certainly mid-way.
            await WaitUntilAsync(async () => await BatchesAsync(crashed) >= 3, first);
            first.Kill();
        }

        var committedBeforeCrash = await BatchesAsync(crashed);
        Assert.InRange(committedBeforeCrash, 3, members / 2_000 - 1);

        using (var second = ServerProcess.Start(crashed.Spec, "second", batchSize: 2_000))
        {
            await WaitUntilAsync(async () => await CompleteAsync(crashed, groupId), second);
        }

        await LicenseProcessing.RunUntilIdleAsync(reference.NewDb, "reference", 2_000, TimeProvider.System, Cancel);

        Assert.Equal(await RowsAsync(reference, tenantId), await RowsAsync(crashed, tenantId));
        Assert.Equal(await SeatsAsync(reference, tenantId), await SeatsAsync(crashed, tenantId));
        var audit = await AuditAsync(crashed, tenantId);
        Assert.Equal(await AuditAsync(reference, tenantId), audit);
        // Every member's license change is recorded exactly once, however the work was split.
        Assert.Equal(members, audit.PerUserEvents);
        Assert.Equal(members, audit.DistinctUsers);
        Assert.Equal((1, 1), (audit.Starts, audit.Finishes));

        await using var db = crashed.NewDb();
        var owners = await db.LicenseWorkLog.Select(l => l.Owner).Distinct().OrderBy(o => o).ToListAsync(Cancel);
        Assert.Equal(["first", "second"], owners);
    }

    [Fact]
    public async Task Two_servers_on_one_postgres_share_a_group_job_and_never_process_a_batch_twice()
    {
        const int members = 20_000;
        await using var store = await TestStore.CreateAsync(StoreKind.Postgres, Cancel);
        var (tenantId, groupId) = await SeedAsync(store, members, seats: members);

        using (var one = ServerProcess.Start(store.Spec, "one", batchSize: 500))
        using (var two = ServerProcess.Start(store.Spec, "two", batchSize: 500))
        {
            await WaitUntilAsync(async () => await CompleteAsync(store, groupId), one);
        }

        await using var db = store.NewDb();
        var log = await db.LicenseWorkLog.Where(l => l.TenantId == tenantId).ToListAsync(Cancel);
        // The log's key (work, batch) makes a second commit of a batch impossible; the users add up exactly.
        Assert.Equal(log.Count, log.Select(l => (l.WorkId, l.Batch)).Distinct().Count());
        Assert.Equal(members, log.Sum(l => l.Users));
        Assert.Equal(members, await db.LicenseAssignments.CountAsync(a => a.TenantId == tenantId && a.State == LicenseState.Active, Cancel));
        Assert.Equal(members, (await db.TenantSkus.SingleAsync(s => s.TenantId == tenantId, Cancel)).ConsumedUnits);
        var audit = await AuditAsync(store, tenantId);
        Assert.Equal((members, members, 1, 1), (audit.PerUserEvents, audit.DistinctUsers, audit.Starts, audit.Finishes));
    }

    /// <summary>A tenant with one product, a group of N members (ids and membership times from a fixed seed) and a queued group job.</summary>
    private static async Task<(Guid TenantId, Guid GroupId)> SeedAsync(TestStore store, int members, int seats)
    {
        var random = new Random(11);
        Guid NextId() { var bytes = new byte[16]; random.NextBytes(bytes); return new Guid(bytes); }
        var tenantId = NextId();
        var groupId = NextId();
        await using var db = store.NewDb();
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        db.Tenants.Add(new Tenant { Id = tenantId, DisplayName = "Crash", Domain = "crash.example", InitialDomain = "crash.onmicrosoft.com", CountryLetterCode = "US", CreatedDateTime = Start });
        db.TenantProducts.Add(new TenantProduct
        {
            TenantId = tenantId, SkuId = SkuId, PartNumber = "SKULD_CRASH", DisplayName = "Crash product",
            Plans = [new TenantServicePlan { Id = new Guid("c0a5e000-0000-4000-8000-0000000000a1"), Name = "CRASH_CORE", FriendlyName = "Core" }],
        });
        await db.SaveChangesAsync(Cancel);
        await SubscriptionUnits.AddAsync(db, tenantId, SkuId, seats, TimeProvider.System, Cancel);
        db.Groups.Add(new Group { TenantId = tenantId, Id = groupId, DisplayName = "Everyone", MailNickname = "everyone", SecurityEnabled = true, CreatedDateTime = Start });
        for (var i = 0; i < members; i++)
        {
            var id = NextId();
            db.Users.Add(new User { TenantId = tenantId, Id = id, UserPrincipalName = $"u{i}@crash.example", DisplayName = $"User {i}", UsageLocation = "US", CreatedDateTime = Start });
            db.GroupMembers.Add(new GroupMember { TenantId = tenantId, GroupId = groupId, MemberId = id, MemberKind = MemberKind.User, AddedDateTime = Start.AddSeconds(random.Next(members * 10)) });
        }

        db.GroupLicenses.Add(new Skuld.Store.Licensing.GroupLicense { TenantId = tenantId, GroupId = groupId, SkuId = SkuId, AssignedDateTime = Start });
        db.ChangeTracker.DetectChanges();
        LicenseWork.EnqueueGroup(db, tenantId, groupId, Actor.Operator, new Guid("c0a5e000-0000-4000-8000-0000000000c1"), Start);
        await db.SaveChangesAsync(Cancel);
        return (tenantId, groupId);
    }

    private static async Task<int> BatchesAsync(TestStore store)
    {
        await using var db = store.NewDb();
        return await db.LicenseWorkLog.CountAsync(Cancel);
    }

    private static async Task<bool> CompleteAsync(TestStore store, Guid groupId)
    {
        await using var db = store.NewDb();
        return await db.Groups.AnyAsync(g => g.Id == groupId && g.LicenseProcessingState == LicenseProcessingState.ProcessingComplete, Cancel)
            && !await db.LicenseWorkItems.AnyAsync(Cancel);
    }

    private static async Task<List<string>> RowsAsync(TestStore store, Guid tenantId)
    {
        await using var db = store.NewDb();
        var rows = await db.LicenseAssignments.AsNoTracking().Where(a => a.TenantId == tenantId).ToListAsync(Cancel);
        return [.. rows.Select(r => $"{r.UserId}|{r.SkuId}|{r.SourceId}|{r.State}|{r.Error}").Order(StringComparer.Ordinal)];
    }

    private static async Task<(int Consumed, int Enabled)> SeatsAsync(TestStore store, Guid tenantId)
    {
        await using var db = store.NewDb();
        var sku = await db.TenantSkus.SingleAsync(s => s.TenantId == tenantId, Cancel);
        return (sku.ConsumedUnits, sku.EnabledUnits);
    }

    private sealed record AuditCounts(int PerUserEvents, int DistinctUsers, int Starts, int Finishes, string? FinishResult);

    private static async Task<AuditCounts> AuditAsync(TestStore store, Guid tenantId)
    {
        await using var db = store.NewDb();
        var events = db.AuditEvents.AsNoTracking().Where(e => e.TenantId == tenantId);
        var perUser = await events.Where(e => e.ActivityDisplayName == "Change user license").Select(e => e.TargetResources).ToListAsync(Cancel);
        var finish = await events.Where(e => e.ActivityDisplayName == "Finish applying group based license to users").Select(e => e.TargetResources).ToListAsync(Cancel);
        return new AuditCounts(
            perUser.Count,
            perUser.Distinct(StringComparer.Ordinal).Count(),
            await events.CountAsync(e => e.ActivityDisplayName == "Start applying group based license to users", Cancel),
            finish.Count,
            finish.SingleOrDefault());
    }

    /// <summary>Real processes on real time: poll, fail if the server died or 3 minutes pass.</summary>
    private static async Task WaitUntilAsync(Func<Task<bool>> done, ServerProcess server)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (!await done())
        {
            Assert.False(server.HasExited, "the server process exited on its own");
            Assert.True(DateTime.UtcNow < deadline, "processing did not finish within 3 minutes");
            await Task.Delay(20, Cancel);
        }
    }
}
