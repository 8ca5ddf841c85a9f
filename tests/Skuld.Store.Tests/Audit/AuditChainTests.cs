using Microsoft.EntityFrameworkCore;
using Skuld.Store.Audit;
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
}
