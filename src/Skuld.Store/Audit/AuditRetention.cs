using Microsoft.EntityFrameworkCore;

namespace Skuld.Store.Audit;

/// <summary>The answer of <see cref="AuditRetention.PurgeAsync"/>.</summary>
public abstract record PurgeResult
{
    private PurgeResult() { }

    /// <summary>
    /// <paramref name="Deleted"/> events up to <paramref name="AnchorSequence"/> were removed; the kept chain
    /// starts after it, linked to <paramref name="AnchorHash"/>. The purge itself is audited as <paramref name="PurgeEventId"/>.
    /// </summary>
    public sealed record Purged(long Deleted, long AnchorSequence, string? AnchorHash, Guid PurgeEventId) : PurgeResult;

    /// <summary>The tenant keeps everything (no retention set): nothing may be purged.</summary>
    public sealed record NoRetention : PurgeResult;
}

/// <summary>Per-tenant audit retention (default: keep everything) and the explicit, audited purge.</summary>
public static class AuditRetention
{
    public const string PurgeActivity = "Purge audit log";

    /// <summary>Sets how many days of audit events the tenant keeps; null keeps everything.</summary>
    public static async Task SetAsync(SkuldDb db, Guid tenantId, int? retentionDays, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(retentionDays ?? 1, nameof(retentionDays));
        var state = await db.Set<AuditChainState>().FirstOrDefaultAsync(s => s.TenantId == tenantId, ct);
        if (state is null)
        {
            db.Set<AuditChainState>().Add(new AuditChainState { TenantId = tenantId, RetentionDays = retentionDays });
        }
        else
        {
            state.RetentionDays = retentionDays;
        }

        await db.SaveChangesAsync(ct);
    }

    public static async Task<int?> GetAsync(SkuldDb db, Guid tenantId, CancellationToken ct) =>
        await db.Set<AuditChainState>().Where(s => s.TenantId == tenantId).Select(s => s.RetentionDays).FirstOrDefaultAsync(ct);

    /// <summary>
    /// Deletes the sealed events older than the retention, as a prefix of the chain (so the kept part still
    /// verifies from the anchor), and records a <c>Purge audit log</c> event, all in one transaction.
    /// </summary>
    public static async Task<PurgeResult> PurgeAsync(SkuldDb db, Guid tenantId, Actor actor, TimeProvider time, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await AuditChain.LockAsync(db, tenantId, ct);
        // Seal first (it clears the change tracker), so everything old enough is in the chain before the cut.
        await AuditChain.SealLockedAsync(db, tenantId, ct);
        var state = await db.Set<AuditChainState>().FirstOrDefaultAsync(s => s.TenantId == tenantId, ct);
        if (state?.RetentionDays is not { } days)
        {
            await transaction.CommitAsync(ct);
            return new PurgeResult.NoRetention();
        }

        var now = time.GetUtcNow();
        var cutoff = now.AddDays(-days);
        // The chain is in sequence order, not time order (a late writer may seal an older event after a newer
        // one): purge only up to the first kept event, so what remains is one unbroken run.
        var firstKept = await db.AuditEvents
            .Where(e => e.TenantId == tenantId && e.Sequence > state.AnchorSequence && e.ActivityDateTime >= cutoff)
            .MinAsync(e => e.Sequence, ct);
        var last = firstKept is { } kept
            ? kept - 1
            : await db.AuditEvents.Where(e => e.TenantId == tenantId).MaxAsync(e => e.Sequence, ct) ?? state.AnchorSequence;
        long deleted = 0;
        if (last > state.AnchorSequence)
        {
            state.AnchorHash = await db.AuditEvents
                .Where(e => e.TenantId == tenantId && e.Sequence == last)
                .Select(e => e.Hash)
                .SingleAsync(ct);
            var from = state.AnchorSequence;
            deleted = await db.AuditEvents
                .Where(e => e.TenantId == tenantId && e.Sequence > from && e.Sequence <= last)
                .ExecuteDeleteAsync(ct);
            state.AnchorSequence = last;
        }

        var purge = AuditRecord.Create(tenantId, actor, PurgeActivity, "Policy", "Delete", Guid.NewGuid(), now, [],
            additionalDetails:
            [
                new("DeletedEvents", deleted.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new("RetentionDays", days.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new("ChainStartsAfterSequence", state.AnchorSequence.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new("AnchorHash", state.AnchorHash ?? ""),
            ]);
        db.AuditEvents.Add(purge);
        await db.SaveChangesAsync(ct);
        await AuditChain.SealLockedAsync(db, tenantId, ct);
        await transaction.CommitAsync(ct);
        return new PurgeResult.Purged(deleted, state.AnchorSequence, state.AnchorHash, purge.Id);
    }
}
