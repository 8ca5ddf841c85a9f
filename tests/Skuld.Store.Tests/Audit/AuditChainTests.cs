using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Skuld.Store.Audit;
using Skuld.Store.Providers;
using Skuld.Testing;

namespace Skuld.Store.Tests.Audit;

public sealed class AuditChainTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static AuditEvent Event(Guid tenantId, DateTimeOffset at, string name = "Update user") =>
        AuditRecord.Create(tenantId, Actor.Operator, name, "UserManagement", "Update", Guid.NewGuid(), at, []);

    /// <summary>A tenant with <paramref name="count"/> events written in several batches, sealing between some of them.</summary>
    private static async Task<Guid> TenantWithEventsAsync(TestStore store, int count)
    {
        await using var db = store.NewDb();
        var tenantId = await Seed.TenantAsync(db, units: 5);
        for (var i = 0; i < count; i++)
        {
            // Times out of order on purpose: sealing orders by (time, id), not by insertion.
            db.AuditEvents.Add(Event(tenantId, Seed.Now.AddMinutes((i * 7919) % count)));
            if (i % 100 == 99)
            {
                await db.SaveChangesAsync(Ct);
                if (i % 300 == 299)
                {
                    await AuditChain.SealAsync(db, tenantId, Ct);
                }
            }
        }

        await db.SaveChangesAsync(Ct);
        return tenantId;
    }

    private static async Task<List<AuditEvent>> ChainAsync(TestStore store, Guid tenantId)
    {
        await using var db = store.NewDb();
        return await db.AuditEvents.AsNoTracking().Where(e => e.TenantId == tenantId).OrderBy(e => e.Sequence).ToListAsync(Ct);
    }

    [Theory, AllStores]
    public async Task The_chain_is_intact_after_many_writes_sealed_in_between(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        var tenantId = await TenantWithEventsAsync(store, 1000);

        await using var db = store.NewDb();
        var result = await AuditChain.VerifyAsync(db, tenantId, Ct);

        // The seed's subscription is audited too.
        var total = await db.AuditEvents.CountAsync(e => e.TenantId == tenantId, Ct);
        var intact = Assert.IsType<ChainVerification.Intact>(result);
        Assert.Equal(total, intact.Count);
        Assert.Equal(1, intact.FirstSequence);
        Assert.Equal(total, intact.LastSequence);
        Assert.Equal(0, await db.AuditEvents.CountAsync(e => e.TenantId == tenantId && e.Sequence == null, Ct));
    }

    [Theory, AllStores]
    public async Task An_event_changed_in_the_database_is_reported_at_exactly_that_event(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        var tenantId = await TenantWithEventsAsync(store, 300);
        await using (var db = store.NewDb())
        {
            await AuditChain.SealAsync(db, tenantId, Ct);
        }

        var victim = (await ChainAsync(store, tenantId))[137];
        await using (var db = store.NewDb())
        {
            await db.Database.ExecuteSqlAsync($"UPDATE audit_events SET activity_display_name = 'Nothing to see' WHERE id = {victim.Id}", Ct);
        }

        await using var verifier = store.NewDb();
        var broken = Assert.IsType<ChainVerification.Broken>(await AuditChain.VerifyAsync(verifier, tenantId, Ct));
        Assert.Equal(victim.Id, broken.EventId);
        Assert.Equal(victim.Sequence, broken.Sequence);
        Assert.Equal(ChainBreak.HashMismatch, broken.Reason);
        Assert.Equal(137, broken.CheckedBefore);
    }

    [Theory, AllStores]
    public async Task A_deleted_event_is_reported_at_its_sequence(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        var tenantId = await TenantWithEventsAsync(store, 200);
        await using (var db = store.NewDb())
        {
            await AuditChain.SealAsync(db, tenantId, Ct);
        }

        var chain = await ChainAsync(store, tenantId);
        await using (var db = store.NewDb())
        {
            await db.Database.ExecuteSqlAsync($"DELETE FROM audit_events WHERE id = {chain[50].Id}", Ct);
        }

        await using var verifier = store.NewDb();
        var broken = Assert.IsType<ChainVerification.Broken>(await AuditChain.VerifyAsync(verifier, tenantId, Ct));
        Assert.Equal(chain[50].Sequence, broken.Sequence);
        Assert.Equal(chain[51].Id, broken.EventId);
        Assert.Equal(ChainBreak.MissingEvent, broken.Reason);
    }

    [Theory, AllStores]
    public async Task A_rewritten_hash_is_caught_at_the_next_event(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        var tenantId = await TenantWithEventsAsync(store, 50);
        await using (var db = store.NewDb())
        {
            await AuditChain.SealAsync(db, tenantId, Ct);
        }

        var chain = await ChainAsync(store, tenantId);
        // A careful forger recomputes the changed event's own hash; the next link still gives them away.
        var forged = chain[20];
        await using (var db = store.NewDb())
        {
            await db.Database.ExecuteSqlAsync($"UPDATE audit_events SET activity_display_name = 'Forged' WHERE id = {forged.Id}", Ct);
            var changed = await db.AuditEvents.AsNoTracking().SingleAsync(e => e.Id == forged.Id, Ct);
            var hash = AuditChain.Compute(changed.PreviousHash, changed, changed.Sequence!.Value);
            await db.Database.ExecuteSqlAsync($"UPDATE audit_events SET hash = {hash} WHERE id = {forged.Id}", Ct);
        }

        await using var verifier = store.NewDb();
        var broken = Assert.IsType<ChainVerification.Broken>(await AuditChain.VerifyAsync(verifier, tenantId, Ct));
        Assert.Equal(chain[21].Id, broken.EventId);
        Assert.Equal(ChainBreak.PreviousHashMismatch, broken.Reason);
    }

    [Theory, AllStores]
    public async Task Concurrent_writers_and_sealers_keep_one_unbroken_chain(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        Guid tenantId;
        await using (var setup = store.NewDb())
        {
            tenantId = await Seed.TenantAsync(setup, units: 5);
        }

        await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            for (var round = 0; round < 5; round++)
            {
                await using var db = store.NewDb();
                db.AuditEvents.AddRange(Enumerable.Range(0, 40).Select(i => Event(tenantId, Seed.Now.AddSeconds(worker * 1000 + round * 40 + i))));
                await db.SaveChangesAsync(Ct);
                await AuditChain.SealAsync(db, tenantId, Ct);
            }
        }, Ct)));

        await using var verifier = store.NewDb();
        var intact = Assert.IsType<ChainVerification.Intact>(await AuditChain.VerifyAsync(verifier, tenantId, Ct));
        Assert.Equal(8 * 5 * 40 + await verifier.AuditEvents.CountAsync(e => e.TenantId == tenantId && e.ActivityDisplayName != "Update user", Ct), intact.Count);
    }

    [Theory, AllStores]
    public async Task Purge_keeps_verify_intact_and_is_itself_audited(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        Guid tenantId;
        await using (var db = store.NewDb())
        {
            tenantId = await Seed.TenantAsync(db, units: 5);
            db.AuditEvents.AddRange(Enumerable.Range(0, 30).Select(i => Event(tenantId, Seed.Now.AddDays(-100 + i))));
            db.AuditEvents.AddRange(Enumerable.Range(0, 10).Select(i => Event(tenantId, Seed.Now.AddDays(-5 + i * 0.1))));
            await db.SaveChangesAsync(Ct);
            await AuditChain.SealAsync(db, tenantId, Ct);
        }

        await using (var db = store.NewDb())
        {
            Assert.IsType<PurgeResult.NoRetention>(await AuditRetention.PurgeAsync(db, tenantId, Actor.Operator, new FixedTime(Seed.Now), Ct));
            await AuditRetention.SetAsync(db, tenantId, 30, Ct);
        }

        PurgeResult.Purged purged;
        await using (var db = store.NewDb())
        {
            purged = Assert.IsType<PurgeResult.Purged>(await AuditRetention.PurgeAsync(db, tenantId, Actor.Operator, new FixedTime(Seed.Now), Ct));
        }

        await using var verifier = store.NewDb();
        var kept = await verifier.AuditEvents.AsNoTracking().Where(e => e.TenantId == tenantId).ToListAsync(Ct);
        Assert.Equal(30, purged.Deleted);
        Assert.DoesNotContain(kept, e => e.ActivityDateTime < Seed.Now.AddDays(-30));
        var purgeEvent = Assert.Single(kept, e => e.ActivityDisplayName == AuditRetention.PurgeActivity);
        Assert.Equal(purged.PurgeEventId, purgeEvent.Id);
        Assert.Contains("\"DeletedEvents\"", purgeEvent.AdditionalDetails, StringComparison.Ordinal);
        Assert.Contains("\"30\"", purgeEvent.AdditionalDetails, StringComparison.Ordinal);
        var verified = await AuditChain.VerifyAsync(verifier, tenantId, Ct);
        Assert.True(verified is ChainVerification.Intact, $"{verified}");
        var intact = (ChainVerification.Intact)verified;
        Assert.Equal(kept.Count, intact.Count);
        Assert.Equal(31, intact.FirstSequence);

        // Tampering after a purge is still found.
        var first = kept.OrderBy(e => e.Sequence).First();
        await verifier.Database.ExecuteSqlAsync($"UPDATE audit_events SET result = 'failure' WHERE id = {first.Id}", Ct);
        var broken = Assert.IsType<ChainVerification.Broken>(await AuditChain.VerifyAsync(verifier, tenantId, Ct));
        Assert.Equal(first.Id, broken.EventId);
    }

    [Fact]
    public void An_events_hash_is_the_same_in_every_version_of_Skuld()
    {
        // Chains sealed by earlier versions must still verify: the canonical form and the hash never change.
        var e = new AuditEvent
        {
            TenantId = new Guid("0b5a1f6e-9c3d-4e2a-8f71-2d4c6b8a0e13"),
            Id = new Guid("019a0000-1111-7222-8333-444455556666"),
            ActivityDateTime = new DateTimeOffset(2026, 12, 3, 15, 4, 5, TimeSpan.Zero).AddTicks(1230),
            ActivityDisplayName = "Change user license",
            Category = "UserManagement",
            Result = "failure",
            ResultReason = "CountViolation",
            OperationType = "Update",
            CorrelationId = new Guid("7d0c2e4a-5b6f-4a8e-9c1d-3e5f7a9b1c2d"),
            LoggedByService = "Core Directory",
            InitiatedByAppId = new Guid("2f7b1a3c-4d5e-4f60-8a9b-0c1d2e3f4a5b"),
            InitiatedBy = "{\"user\":null,\"app\":{\"displayName\":\"Skuld group-based licensing\"}}",
            TargetResources = "[{\"id\":\"a\",\"displayName\":\"Zoë <Ops> & \\\"Co\\\"\",\"modifiedProperties\":[]}]",
            AdditionalDetails = "[]",
        };

        const string first = "f624ca2590859da3a229caa492a5fe246852389ff75780af2b7c67935da4b1a2";
        Assert.Equal(first, AuditChain.Compute(null, e, 1));
        Assert.Equal("7775538589f304a2a7a50d9ddbd6dbe7e4d7bca953b3a9ba6eb5f937b2195172", AuditChain.Compute(first, e, 2));
    }

    [Fact]
    public async Task Events_that_share_an_initiator_hash_as_when_each_is_hashed_alone()
    {
        // The initiator text a job's events share is escaped once per thread and reused (AuditChain.WriteRepeated).
        AuditEvent Of(string initiator) => new()
        {
            TenantId = new Guid("0b5a1f6e-9c3d-4e2a-8f71-2d4c6b8a0e13"), Id = new Guid("019a0000-1111-7222-8333-444455556666"),
            ActivityDateTime = new DateTimeOffset(2026, 12, 3, 15, 4, 5, TimeSpan.Zero), ActivityDisplayName = "Change user license",
            Category = "UserManagement", Result = "success", OperationType = "Update", CorrelationId = Guid.Empty,
            LoggedByService = "Core Directory", InitiatedBy = initiator, TargetResources = "[]", AdditionalDetails = "[]",
        };
        var (app, admin) = ("{\"user\":null,\"app\":{\"displayName\":\"Skuld <group> licensing\"}}", "{\"user\":{\"displayName\":\"Zoë\"},\"app\":null}");
        // Each alone, on threads that have hashed nothing yet.
        var alone = await Task.WhenAll(new[] { app, admin }.Select(text => Task.Factory.StartNew(
            () => AuditChain.Compute(null, Of(new string(text)), 1), Ct, TaskCreationOptions.LongRunning, TaskScheduler.Default)));

        var shared = Of(app);
        var inTurn = new[] { shared, shared, Of(admin), shared, Of(new string(app)) }.Select(e => AuditChain.Compute(null, e, 1)).ToList();

        Assert.NotEqual(alone[0], alone[1]);
        Assert.Equal([alone[0], alone[0], alone[1], alone[0], alone[0]], inTurn);
    }

    [Theory, AllStores]
    public async Task A_backlog_is_sealed_one_short_transaction_per_page_into_one_chain(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        Guid tenantId;
        await using (var setup = store.NewDb())
        {
            tenantId = await Seed.TenantAsync(setup, units: 5);
            await AuditChain.SealAsync(setup, tenantId, Ct);
            // Out of time order on purpose: the pages follow (time, id), not insertion.
            setup.AuditEvents.AddRange(Enumerable.Range(0, 12).Select(i => Event(tenantId, Seed.Now.AddMinutes((i * 5) % 12))));
            await setup.SaveChangesAsync(Ct);
        }

        var commits = new CommitCounter();
        await using (var db = NewDb(store, commits))
        {
            Assert.Equal(12, await AuditChain.SealAsync(db, tenantId, pageSize: 5, Ct));
        }

        // 5 + 5 + 2: each page its own transaction, so a million-event backlog never holds the write lock for long.
        Assert.Equal(3, commits.Count);
        await using var verifier = store.NewDb();
        var chain = await ChainAsync(store, tenantId);
        Assert.All(chain, e => Assert.NotNull(e.Sequence));
        var added = chain.Where(e => e.ActivityDisplayName == "Update user").ToList();
        Assert.Equal(added.OrderBy(e => e.ActivityDateTime).ThenBy(e => e.Id).Select(e => e.Id), added.Select(e => e.Id));
        var intact = Assert.IsType<ChainVerification.Intact>(await AuditChain.VerifyAsync(verifier, tenantId, Ct));
        Assert.Equal(chain.Count, intact.Count);
    }

    [Theory, AllStores]
    public async Task The_sealer_reads_its_backlog_and_the_chain_head_from_partial_indexes_without_sorting(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        await using var db = store.NewDb();
        var tenantId = Guid.NewGuid();
        var queries = new (string Index, IQueryable Query)[]
        {
            // The next page to seal (AuditChain) and the tenants with a backlog (AuditSealer).
            ("IX_audit_events_tenant_id_activity_date_time_id",
                db.AuditEvents.Where(e => e.TenantId == tenantId && e.Sequence == null).OrderBy(e => e.ActivityDateTime).ThenBy(e => e.Id).Take(AuditChain.Page)),
            ("IX_audit_events_tenant_id_activity_date_time_id",
                db.AuditEvents.Where(e => e.Sequence == null).Select(e => e.TenantId).Distinct()),
            // The chain's head, and verify's walk.
            ("IX_audit_events_tenant_id_sequence",
                db.AuditEvents.Where(e => e.TenantId == tenantId && e.Sequence != null).OrderByDescending(e => e.Sequence).Select(e => new { e.Sequence, e.Hash }).Take(1)),
            ("IX_audit_events_tenant_id_sequence",
                db.AuditEvents.Where(e => e.TenantId == tenantId && e.Sequence > 41).OrderBy(e => e.Sequence).Take(AuditChain.Page)),
        };

        await QueryPlans.PrepareAsync(db, kind, Ct);
        foreach (var (index, query) in queries)
        {
            var plan = await QueryPlans.OfAsync(query, kind, Ct);
            Assert.True(plan.Any(line => line.Contains(index, StringComparison.Ordinal)), string.Join("\n", plan));
            Assert.False(plan.Any(line => line.Contains("TEMP B-TREE FOR ORDER BY", StringComparison.Ordinal) || line.TrimStart(' ', '-', '>').StartsWith("Sort", StringComparison.Ordinal)),
                string.Join("\n", plan));
        }
    }

    private static SkuldDb NewDb(TestStore store, CommitCounter commits) => store.Kind == StoreKind.Sqlite
        ? new SqliteSkuldDb(new DbContextOptionsBuilder<SqliteSkuldDb>(SqliteSkuldDb.Options(store.Location.ConnectionString)).AddInterceptors(commits).Options).EnterAllTenants()
        : new PostgresSkuldDb(new DbContextOptionsBuilder<PostgresSkuldDb>(PostgresSkuldDb.Options(store.Location.ConnectionString)).AddInterceptors(commits).Options).EnterAllTenants();

    private sealed class CommitCounter : DbTransactionInterceptor
    {
        public int Count;

        public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref Count);
            return Task.CompletedTask;
        }
    }
}
