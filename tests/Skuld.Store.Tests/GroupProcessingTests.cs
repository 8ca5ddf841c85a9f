using Microsoft.EntityFrameworkCore;
using Skuld.Licensing.Engine;
using Skuld.Store.Audit;
using Skuld.Store.Directory;
using Skuld.Store.Licensing;
using Skuld.Store.Processing;
using Skuld.Testing;

namespace Skuld.Store.Tests;

public sealed class GroupProcessingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeProvider Time = new FixedTime(Seed.Now);

    /// <summary>A tenant with <paramref name="units"/> seats and a group of <paramref name="members"/> users licensed for the product, work enqueued.</summary>
    private static async Task<(Guid TenantId, Guid GroupId, List<Guid> Members)> LicensedGroupAsync(TestStore store, int units, int members)
    {
        await using var db = store.NewDb();
        var tenantId = await Seed.TenantAsync(db, units);
        var groupId = Guid.NewGuid();
        db.Groups.Add(new Group { TenantId = tenantId, Id = groupId, DisplayName = "Sales", MailNickname = "sales", SecurityEnabled = true, CreatedDateTime = Seed.Now });
        // Ids in random order against membership times, so membership order is not id order.
        var ids = Enumerable.Range(0, members).Select(_ => Guid.NewGuid()).ToList();
        for (var i = 0; i < members; i++)
        {
            db.Users.Add(new User { TenantId = tenantId, Id = ids[i], UserPrincipalName = $"u{i}@contoso.com", DisplayName = $"U{i}", UsageLocation = i % 3 == 0 ? null : "US", CreatedDateTime = Seed.Now });
            db.GroupMembers.Add(new GroupMember { TenantId = tenantId, GroupId = groupId, MemberId = ids[i], MemberKind = MemberKind.User, AddedDateTime = Seed.Now.AddSeconds(i) });
        }
        db.GroupLicenses.Add(new Licensing.GroupLicense { TenantId = tenantId, GroupId = groupId, SkuId = Seed.SkuId, AssignedDateTime = Seed.Now });
        LicenseWork.EnqueueGroup(db, tenantId, groupId, Actor.Operator, Guid.NewGuid(), Seed.Now);
        await db.SaveChangesAsync(Ct);
        return (tenantId, groupId, ids);
    }

    private static Task<int> RunAsync(TestStore store, string owner = "test", int batchSize = 64) =>
        LicenseProcessing.RunUntilIdleAsync(store.NewDb, owner, batchSize, Time, Ct);

    private static async Task<Dictionary<Guid, LicenseAssignment>> RowsAsync(TestStore store, Guid tenantId)
    {
        await using var db = store.NewDb();
        return await db.LicenseAssignments.AsNoTracking().Where(a => a.TenantId == tenantId).ToDictionaryAsync(a => a.UserId, Ct);
    }

    private static async Task<List<AuditEvent>> EventsAsync(TestStore store, Guid tenantId, string activity)
    {
        await using var db = store.NewDb();
        return await db.AuditEvents.AsNoTracking().Where(e => e.TenantId == tenantId && e.ActivityDisplayName == activity).ToListAsync(Ct);
    }

    private static async Task<int> ConsumedAsync(TestStore store, Guid tenantId)
    {
        await using var db = store.NewDb();
        return await db.TenantSkus.Where(s => s.TenantId == tenantId).Select(s => s.ConsumedUnits).SingleAsync(Ct);
    }

    [Theory, AllStores]
    public async Task Group_job_gives_members_the_rows_the_engine_gives_each_member_alone(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        var (tenantId, groupId, members) = await LicensedGroupAsync(store, units: 1000, members: 300);

        await RunAsync(store);

        var rows = await RowsAsync(store, tenantId);
        await using var db = store.NewDb();
        var tenant = await LicenseSnapshots.LoadTenantAsync(db, tenantId, Ct);
        Assert.NotNull(tenant);
        var group = new Skuld.Licensing.Engine.GroupLicense(groupId, [new LicenseRequest(Seed.SkuId, [])]);
        foreach (var (id, i) in members.Select((id, i) => (id, i)))
        {
            var alone = LicenseEngine.EvaluateMembers(tenant with { Skus = tenant.Skus.SetItem(Seed.SkuId, tenant.Skus[Seed.SkuId] with { ConsumedUnits = 0 }) },
                [new MemberInput(new UserSnapshot(id, i % 3 == 0 ? null : "US", []), Seed.Now, [group])], SeatLedger.For(tenant with { Skus = tenant.Skus.SetItem(Seed.SkuId, tenant.Skus[Seed.SkuId] with { ConsumedUnits = 0 }) }))[0];
            var expected = Assert.Single(alone.Assignments);
            var row = rows[id];
            Assert.Equal((expected.SkuId, expected.AssignedByGroup, expected.State, expected.Error), (row.SkuId, (Guid?)row.SourceId, row.State, row.Error));
        }
        Assert.Equal(300, await ConsumedAsync(store, tenantId));
        Assert.Equal(LicenseProcessingState.ProcessingComplete, (await db.Groups.SingleAsync(g => g.Id == groupId, Ct)).LicenseProcessingState);
        Assert.Empty(await db.LicenseWorkItems.ToListAsync(Ct));
        var changes = await EventsAsync(store, tenantId, GroupLicensingAudit.ChangeUserLicense);
        Assert.Equal(300, changes.Count);
        Assert.All(changes, e => Assert.Equal(Actor.GroupBasedLicensing.AppId, e.InitiatedByAppId));
        Assert.Single(await EventsAsync(store, tenantId, GroupLicensingAudit.Start));
        var finish = Assert.Single(await EventsAsync(store, tenantId, GroupLicensingAudit.Finish));
        Assert.Contains("Users successfully assigned licenses: 300, Users for whom license assignment failed: 0.", finish.TargetResources, StringComparison.Ordinal);
    }

    [Theory, AllStores]
    public async Task A_group_job_seals_its_audit_events_as_it_writes_them_into_the_one_chain(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        var (tenantId, _, members) = await LicensedGroupAsync(store, units: 1000, members: 150);
        await using (var db = store.NewDb())
        {
            // An admin's event, unsealed when the job starts: the job seals its own around it, the sealer this one.
            db.AuditEvents.Add(AuditRecord.Create(tenantId, Actor.Operator, "Update user", "UserManagement", "Update", Guid.NewGuid(), Seed.Now.AddTicks(-3), []));
            await db.SaveChangesAsync(Ct);
        }

        // A clock finer than PostgreSQL keeps (it stores microseconds): the events are hashed as stored.
        await LicenseProcessing.RunUntilIdleAsync(store.NewDb, "test", 64, new FixedTime(Seed.Now.AddTicks(7)), Ct);

        await using var verifier = store.NewDb();
        var jobEvents = await verifier.AuditEvents.AsNoTracking()
            .Where(e => e.TenantId == tenantId && e.InitiatedByAppId == Actor.GroupBasedLicensing.AppId).ToListAsync(Ct);
        Assert.Equal(members.Count + 2, jobEvents.Count); // a change per member, start and finish
        Assert.All(jobEvents, e => Assert.NotNull(e.Sequence));
        // Chain order within the job: Start first, Finish last, the members' changes between (three batches of 64).
        var inChain = jobEvents.OrderBy(e => e.Sequence).Select(e => e.ActivityDisplayName).ToList();
        Assert.Equal([GroupLicensingAudit.Start, .. Enumerable.Repeat(GroupLicensingAudit.ChangeUserLicense, members.Count), GroupLicensingAudit.Finish], inChain);
        var unsealed = await verifier.AuditEvents.AsNoTracking().Where(e => e.TenantId == tenantId && e.Sequence == null).ToListAsync(Ct);
        Assert.Contains(unsealed, e => e.ActivityDisplayName == "Update user");
        Assert.DoesNotContain(unsealed, e => e.InitiatedByAppId == Actor.GroupBasedLicensing.AppId);
        var intact = Assert.IsType<ChainVerification.Intact>(await AuditChain.VerifyAsync(verifier, tenantId, Ct));
        Assert.Equal(await verifier.AuditEvents.CountAsync(e => e.TenantId == tenantId, Ct), intact.Count);
    }

    [Theory, AllStores]
    public async Task A_sealer_running_beside_a_group_job_leaves_one_unbroken_chain(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        var (tenantId, _, members) = await LicensedGroupAsync(store, units: 1000, members: 200);

        using var done = new CancellationTokenSource();
        var sealer = Task.Run(async () =>
        {
            var rounds = 0;
            while (!done.IsCancellationRequested)
            {
                await using var db = store.NewDb();
                db.AuditEvents.Add(AuditRecord.Create(tenantId, Actor.Operator, "Update user", "UserManagement", "Update", Guid.NewGuid(), Seed.Now.AddSeconds(rounds), []));
                await db.SaveChangesAsync(Ct);
                await AuditChain.SealAsync(db, tenantId, Ct);
                rounds++;
            }
            return rounds;
        }, Ct);
        await LicenseProcessing.RunUntilIdleAsync(store.NewDb, "test", 16, Time, Ct);
        await done.CancelAsync();
        var rounds = await sealer;

        await using var verifier = store.NewDb();
        var intact = Assert.IsType<ChainVerification.Intact>(await AuditChain.VerifyAsync(verifier, tenantId, Ct));
        Assert.Equal(await verifier.AuditEvents.CountAsync(e => e.TenantId == tenantId, Ct), intact.Count);
        Assert.Equal(members.Count, (await EventsAsync(store, tenantId, GroupLicensingAudit.ChangeUserLicense)).Count);
        Assert.Equal(rounds, (await EventsAsync(store, tenantId, "Update user")).Count);
    }

    [Theory, AllStores]
    public async Task Seat_shortage_gives_the_earliest_members_active_and_the_rest_count_violation(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        var (tenantId, _, members) = await LicensedGroupAsync(store, units: 100, members: 250);

        await RunAsync(store);

        var rows = await RowsAsync(store, tenantId);
        Assert.All(members.Take(100), id => Assert.Equal(LicenseState.Active, rows[id].State));
        Assert.All(members.Skip(100), id => Assert.Equal((LicenseState.Error, LicenseError.CountViolation), (rows[id].State, rows[id].Error)));
        Assert.Equal(100, await ConsumedAsync(store, tenantId));
        var finish = Assert.Single(await EventsAsync(store, tenantId, GroupLicensingAudit.Finish));
        Assert.Contains("Users successfully assigned licenses: 100, Users for whom license assignment failed: 150.", finish.TargetResources, StringComparison.Ordinal);
    }

    [Theory, AllStores]
    public async Task With_seats_for_everyone_members_are_processed_in_user_id_order(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        var (tenantId, _, members) = await LicensedGroupAsync(store, units: 100, members: 100);

        // Batch 0 sweeps departed users (none) and decides the order; batch 1 is the first 16 members.
        for (var i = 0; i < 2; i++)
        {
            await using var db = store.NewDb();
            Assert.NotNull(await LicenseProcessing.RunBatchAsync(db, "test", 16, Time, Ct));
        }

        var rows = await RowsAsync(store, tenantId);
        Assert.Equal(members.Order().Take(16).Order(), rows.Keys.Order());
        Assert.All(rows.Values, r => Assert.Equal(LicenseState.Active, r.State));
        await RunAsync(store, batchSize: 16);
        Assert.Equal(100, (await RowsAsync(store, tenantId)).Values.Count(r => r.State == LicenseState.Active));
        Assert.Equal(100, await ConsumedAsync(store, tenantId));
    }

    /// <summary>Runs one batch of <paramref name="loop"/>; false when there was no work.</summary>
    private static async Task<bool> BatchAsync(TestStore store, LicenseProcessingLoop loop, int batchSize)
    {
        await using var db = store.NewDb();
        return await LicenseProcessing.RunBatchAsync(db, "test", batchSize, Time, loop, Ct) is not null;
    }

    [Theory, AllStores]
    public async Task A_job_in_user_id_order_reads_each_next_batch_while_the_one_before_writes(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        var (tenantId, _, members) = await LicensedGroupAsync(store, units: 100, members: 100);
        await using var loop = new LicenseProcessingLoop();

        var batches = 0;
        while (await BatchAsync(store, loop, batchSize: 16))
        {
            batches++;
            // On SQLite the loop keeps a writer connection of its own between batches.
            Assert.Equal(kind == StoreKind.Sqlite, loop.HoldsConnection);
        }

        // The departed sweep, then 100 members in id order 16 at a time: 7 batches, the last 6 of them read ahead on SQLite
        // (so on one connection: the mark of another would differ). No work left: the connection is closed.
        Assert.Equal(8, batches);
        Assert.False(loop.HoldsConnection);
        Assert.Equal((kind == StoreKind.Sqlite ? 6 : 0, 0), (loop.ReadAhead.Taken, loop.ReadAhead.Dropped));
        var rows = await RowsAsync(store, tenantId);
        Assert.Equal(members.Order(), rows.Keys.Order());
        Assert.All(rows.Values, r => Assert.Equal(LicenseState.Active, r.State));
        Assert.Equal(100, await ConsumedAsync(store, tenantId));
        Assert.Equal(100, (await EventsAsync(store, tenantId, GroupLicensingAudit.ChangeUserLicense)).Count);
    }

    [Fact]
    public async Task A_batch_read_ahead_is_dropped_when_something_was_written_meanwhile()
    {
        await using var store = await TestStore.CreateAsync(StoreKind.Sqlite, Ct);
        var (tenantId, groupId, members) = await LicensedGroupAsync(store, units: 100, members: 100);
        await using var loop = new LicenseProcessingLoop();
        // The departed sweep and the first 16 members; the next 16 are read ahead.
        Assert.True(await BatchAsync(store, loop, batchSize: 16));
        Assert.True(await BatchAsync(store, loop, batchSize: 16));
        await loop.ReadAhead.Settled;

        // An admin assigns the group's product directly to a member of the batch read ahead (one with a usage location), and renames him.
        var member = members.Order().Skip(16).Take(16).First(id => members.IndexOf(id) % 3 != 0);
        await using (var db = store.NewDb())
        {
            Assert.IsType<DirectLicenseResult.Applied>(await DirectLicensing.AssignAsync(
                db, tenantId, member, [new LicenseRequest(Seed.SkuId, [])], [], Actor.Operator, Guid.NewGuid(), Time, Ct));
        }
        await using (var db = store.NewDb(tenantId))
        {
            await db.Users.Where(u => u.Id == member).ExecuteUpdateAsync(s => s.SetProperty(u => u.DisplayName, "Renamed"), Ct);
        }

        while (await BatchAsync(store, loop, batchSize: 16))
        {
        }

        // The batch read again and saw both: one seat for the direct and the group row (the stale read would count two).
        await using (var db = store.NewDb(tenantId))
        {
            var held = await db.LicenseAssignments.Where(a => a.UserId == member).OrderBy(a => a.SourceId).ToListAsync(Ct);
            Assert.Equal([(Guid.Empty, LicenseState.Active), (groupId, LicenseState.Active)], held.Select(a => (a.SourceId, a.State)));
        }
        Assert.Equal(100, await ConsumedAsync(store, tenantId));
        var change = Assert.Single(await EventsAsync(store, tenantId, GroupLicensingAudit.ChangeUserLicense),
            e => e.InitiatedByAppId == Actor.GroupBasedLicensing.AppId && e.TargetId == member);
        Assert.Contains("\"displayName\":\"Renamed\"", change.TargetResources, StringComparison.Ordinal);
        Assert.Equal((5, 1), (loop.ReadAhead.Taken, loop.ReadAhead.Dropped));
    }

    [Theory, AllStores]
    public async Task Seats_taken_by_direct_assignments_during_a_job_in_id_order_leave_the_rest_to_membership_order(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        var (tenantId, _, members) = await LicensedGroupAsync(store, units: 100, members: 90);
        for (var i = 0; i < 2; i++)
        {
            await using var db = store.NewDb();
            Assert.NotNull(await LicenseProcessing.RunBatchAsync(db, "test", 16, Time, Ct));
        }
        // 16 members hold seats and 84 are free for the 74 others; direct assignments take 25 of them meanwhile.
        for (var i = 0; i < 25; i++)
        {
            await using var db = store.NewDb();
            var userId = await Seed.UserAsync(db, tenantId, $"direct{i}@contoso.com");
            Assert.IsType<DirectLicenseResult.Applied>(await DirectLicensing.AssignAsync(
                db, tenantId, userId, [new LicenseRequest(Seed.SkuId, [])], [], Actor.Operator, Guid.NewGuid(), Time, Ct));
        }

        await RunAsync(store, batchSize: 16);

        // Three more batches in id order take 48 seats; the next one finds 11 seats for 16 members and writes nothing;
        // the 26 members not done by then are served in membership order: the earliest 11 get the seats.
        var rows = await RowsAsync(store, tenantId);
        var byId = members.Order().ToList();
        Assert.All(byId.Take(64), id => Assert.Equal(LicenseState.Active, rows[id].State));
        var rest = byId.Skip(64).OrderBy(members.IndexOf).ToList();
        Assert.All(rest.Take(11), id => Assert.Equal(LicenseState.Active, rows[id].State));
        Assert.All(rest.Skip(11), id => Assert.Equal((LicenseState.Error, LicenseError.CountViolation), (rows[id].State, rows[id].Error)));
        Assert.Equal(100, await ConsumedAsync(store, tenantId));
        // Exactly one event per member: the batch that found seats short wrote nothing, the members done before it were unchanged.
        var changes = (await EventsAsync(store, tenantId, GroupLicensingAudit.ChangeUserLicense))
            .Where(e => e.InitiatedByAppId == Actor.GroupBasedLicensing.AppId).ToList();
        Assert.Equal(90, changes.Count);
        Assert.All(members, id => Assert.Single(changes, e => e.TargetResources.Contains(id.ToString("D"), StringComparison.Ordinal)));
        var finish = Assert.Single(await EventsAsync(store, tenantId, GroupLicensingAudit.Finish));
        Assert.Contains("Users successfully assigned licenses: 75, Users for whom license assignment failed: 15.", finish.TargetResources, StringComparison.Ordinal);
    }

    [Theory, AllStores]
    public async Task Reprocessing_an_unchanged_group_changes_nothing_and_audits_no_user(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        var (tenantId, groupId, _) = await LicensedGroupAsync(store, units: 100, members: 150);
        await RunAsync(store);
        var before = await RowsAsync(store, tenantId);

        await using (var db = store.NewDb())
        {
            LicenseWork.EnqueueGroup(db, tenantId, groupId, Actor.Operator, Guid.NewGuid(), Seed.Now);
            await db.SaveChangesAsync(Ct);
        }
        await RunAsync(store);

        var after = await RowsAsync(store, tenantId);
        Assert.Equal(before.Values.Select(r => (r.UserId, r.State, r.Error)).Order(), after.Values.Select(r => (r.UserId, r.State, r.Error)).Order());
        Assert.Equal(150, (await EventsAsync(store, tenantId, GroupLicensingAudit.ChangeUserLicense)).Count);
        Assert.Equal(2, (await EventsAsync(store, tenantId, GroupLicensingAudit.Finish)).Count);
        Assert.Equal(100, await ConsumedAsync(store, tenantId));
    }

    [Theory, AllStores]
    public async Task A_job_taken_over_by_another_owner_after_a_batch_ends_as_an_uninterrupted_run(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        var (tenantId, _, members) = await LicensedGroupAsync(store, units: 120, members: 200);

        await using (var first = store.NewDb())
        {
            var batch = await LicenseProcessing.RunBatchAsync(first, "owner-a", 64, Time, Ct);
            Assert.NotNull(batch);
            Assert.False(batch.Finished);
        }
        // Owner A is gone (its lease is its transaction); owner B takes the job from the cursor.
        await RunAsync(store, "owner-b");

        var rows = await RowsAsync(store, tenantId);
        Assert.All(members.Take(120), id => Assert.Equal(LicenseState.Active, rows[id].State));
        Assert.All(members.Skip(120), id => Assert.Equal(LicenseError.CountViolation, rows[id].Error));
        var changes = await EventsAsync(store, tenantId, GroupLicensingAudit.ChangeUserLicense);
        Assert.Equal(200, changes.Count);
        Assert.Equal(200, changes.Select(e => e.TargetResources).Distinct().Count());
        Assert.Single(await EventsAsync(store, tenantId, GroupLicensingAudit.Start));
        Assert.Single(await EventsAsync(store, tenantId, GroupLicensingAudit.Finish));
        await using var db = store.NewDb();
        var log = await db.LicenseWorkLog.Where(l => l.TenantId == tenantId).OrderBy(l => l.Batch).ToListAsync(Ct);
        Assert.Equal("owner-a", log[0].Owner);
        Assert.All(log.Skip(1), l => Assert.Equal("owner-b", l.Owner));
        Assert.Equal(Enumerable.Range(0, log.Count), log.Select(l => l.Batch));
    }

    [Theory, AllStores]
    public async Task Two_owners_racing_never_process_the_same_batch(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        var (tenantId, _, members) = await LicensedGroupAsync(store, units: 700, members: 1000);

        var counts = await Task.WhenAll(
            Task.Run(() => RunAsync(store, "owner-a", 50), Ct),
            Task.Run(() => RunAsync(store, "owner-b", 50), Ct));

        await using var db = store.NewDb();
        var log = await db.LicenseWorkLog.Where(l => l.TenantId == tenantId).ToListAsync(Ct);
        Assert.Equal(counts.Sum(), log.Count);
        Assert.Equal(log.Count, log.Select(l => l.Batch).Distinct().Count());
        Assert.Equal(1000, log.Sum(l => l.Users));
        Assert.Equal(1000, (await EventsAsync(store, tenantId, GroupLicensingAudit.ChangeUserLicense)).Count);
        Assert.Equal(700, await ConsumedAsync(store, tenantId));
        var rows = await RowsAsync(store, tenantId);
        Assert.All(members.Take(700), id => Assert.Equal(LicenseState.Active, rows[id].State));
    }

    [Theory, AllStores]
    public async Task Removing_a_member_frees_the_seat_for_that_user_only(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        var (tenantId, groupId, members) = await LicensedGroupAsync(store, units: 10, members: 10);
        await RunAsync(store);
        Assert.Equal(10, await ConsumedAsync(store, tenantId));

        await using (var db = store.NewDb())
        {
            await db.GroupMembers.Where(m => m.TenantId == tenantId && m.GroupId == groupId && m.MemberId == members[3]).ExecuteDeleteAsync(Ct);
            LicenseWork.EnqueueUsers(db, tenantId, [members[3]], Actor.Operator, Guid.NewGuid(), Seed.Now);
            await db.SaveChangesAsync(Ct);
        }
        await using (var db = store.NewDb())
        {
            var batch = await LicenseProcessing.RunBatchAsync(db, "test", 64, Time, Ct);
            Assert.NotNull(batch);
            Assert.Equal((LicenseWorkKind.Users, 1, 1, true), (batch.Kind, batch.Users, batch.ChangedUsers, batch.Finished));
        }

        var rows = await RowsAsync(store, tenantId);
        Assert.False(rows.ContainsKey(members[3]));
        Assert.Equal(9, rows.Count);
        Assert.Equal(9, await ConsumedAsync(store, tenantId));
        Assert.Equal(11, (await EventsAsync(store, tenantId, GroupLicensingAudit.ChangeUserLicense)).Count);
    }

    [Theory, AllStores]
    public async Task Removing_the_group_license_deletes_its_rows_and_frees_all_seats(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        var (tenantId, groupId, _) = await LicensedGroupAsync(store, units: 50, members: 80);
        await RunAsync(store);

        await using (var db = store.NewDb())
        {
            await db.GroupLicenses.Where(l => l.TenantId == tenantId && l.GroupId == groupId).ExecuteDeleteAsync(Ct);
            LicenseWork.EnqueueGroup(db, tenantId, groupId, Actor.Operator, Guid.NewGuid(), Seed.Now);
            await db.SaveChangesAsync(Ct);
        }
        await RunAsync(store, batchSize: 16);

        Assert.Empty(await RowsAsync(store, tenantId));
        Assert.Equal(0, await ConsumedAsync(store, tenantId));
    }

    [Theory, AllStores]
    public async Task A_user_who_left_before_the_group_job_runs_is_swept_by_it(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        var (tenantId, groupId, members) = await LicensedGroupAsync(store, units: 5, members: 6);
        await RunAsync(store);
        Assert.Equal(LicenseError.CountViolation, (await RowsAsync(store, tenantId))[members[5]].Error);

        // The first member leaves without user work: the group job frees the seat first, then the waiting member gets it.
        await using (var db = store.NewDb())
        {
            await db.GroupMembers.Where(m => m.TenantId == tenantId && m.MemberId == members[0]).ExecuteDeleteAsync(Ct);
            LicenseWork.EnqueueGroup(db, tenantId, groupId, Actor.Operator, Guid.NewGuid(), Seed.Now);
            await db.SaveChangesAsync(Ct);
        }
        await RunAsync(store, batchSize: 2);

        var rows = await RowsAsync(store, tenantId);
        Assert.False(rows.ContainsKey(members[0]));
        Assert.Equal(LicenseState.Active, rows[members[5]].State);
        Assert.Equal(5, await ConsumedAsync(store, tenantId));
    }
}
