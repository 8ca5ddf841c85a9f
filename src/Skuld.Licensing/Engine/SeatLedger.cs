using System.Collections.Immutable;

namespace Skuld.Licensing.Engine;

/// <summary>
/// The seats of a tenant's products during one group-processing run, carried from batch to batch.
/// </summary>
/// <remarks>
/// Mutable on purpose: a worker evaluating a million members in batches passes the same ledger to
/// every <see cref="LicenseEngine.EvaluateMembers"/> call, in membership order, and writes the
/// batch's outcomes and seat changes before the next one. Not thread-safe; one ledger per run.
/// For a what-if, evaluate against <see cref="Copy"/>.
/// </remarks>
public sealed class SeatLedger
{
    private readonly Dictionary<Guid, Counter> counters;
    private readonly SortedSet<Guid> freedAfterRefusal;

    private SeatLedger(Dictionary<Guid, Counter> counters, SortedSet<Guid> freedAfterRefusal)
    {
        this.counters = counters;
        this.freedAfterRefusal = freedAfterRefusal;
    }

    /// <summary>A ledger starting from the tenant's enabled and consumed units.</summary>
    public static SeatLedger For(TenantSnapshot tenant) =>
        new(tenant.Skus.ToDictionary(p => p.Key, p => new Counter(p.Value.EnabledUnits, p.Value.ConsumedUnits)), []);

    /// <summary>An independent copy (for a what-if that must not touch the real run).</summary>
    public SeatLedger Copy() =>
        new(counters.ToDictionary(p => p.Key, p => p.Value.Clone()), [.. freedAfterRefusal]);

    /// <summary>Free seats now (0 for a SKU the tenant does not have).</summary>
    public int Available(Guid skuId) =>
        counters.TryGetValue(skuId, out var c) ? Math.Max(0, c.Enabled - c.Consumed) : 0;

    public int Consumed(Guid skuId) => counters.TryGetValue(skuId, out var c) ? c.Consumed : 0;

    public int Enabled(Guid skuId) => counters.TryGetValue(skuId, out var c) ? c.Enabled : 0;

    /// <summary>Seats taken (+) or freed (−) per SKU since the ledger was made, by skuId; zero changes left out.</summary>
    public ImmutableArray<SeatChange> NetChanges =>
    [
        .. counters.Where(p => p.Value.Consumed != p.Value.StartConsumed)
            .OrderBy(p => p.Key)
            .Select(p => new SeatChange(p.Key, p.Value.Consumed - p.Value.StartConsumed)),
    ];

    /// <summary>
    /// SKUs of which a seat was freed after an earlier member in this run had been refused one
    /// (CountViolation). That member was already written; evaluate the run's members again (the
    /// refused ones suffice) so the freed seat goes to the earliest waiter, not to whoever came later.
    /// </summary>
    public ImmutableArray<Guid> FreedAfterRefusal => [.. freedAfterRefusal];

    public bool NeedsAnotherPass => freedAfterRefusal.Count > 0;

    internal void Take(Guid skuId)
    {
        var counter = counters[skuId];
        if (counter.Consumed >= counter.Enabled)
        {
            throw new InvalidOperationException($"No free seat of {skuId}: the engine must check before taking.");
        }
        counter.Consumed++;
    }

    internal void Release(Guid skuId)
    {
        var counter = counters[skuId];
        counter.Consumed--;
        if (counter.Refused > 0)
        {
            freedAfterRefusal.Add(skuId);
        }
    }

    internal void NoteRefused(Guid skuId)
    {
        if (counters.TryGetValue(skuId, out var counter))
        {
            counter.Refused++;
        }
    }

    private sealed class Counter(int enabled, int consumed)
    {
        public int Enabled { get; } = enabled;

        public int StartConsumed { get; } = consumed;

        public int Consumed { get; set; } = consumed;

        public int Refused { get; set; }

        public Counter Clone() => new(Enabled, StartConsumed) { Consumed = Consumed, Refused = Refused };
    }
}
