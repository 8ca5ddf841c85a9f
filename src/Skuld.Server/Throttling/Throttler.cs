using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Skuld.Server.Throttling.Internal;

namespace Skuld.Server.Throttling;

/// <summary>
/// Keeps one resource-unit bucket and one write bucket per (tenant, app) in memory and charges requests
/// to them. Budgets are per server process: several processes on one store each allow the full rate,
/// which errs on the side of letting clients through.
/// </summary>
public sealed class Throttler(IOptions<ThrottlingOptions> options, TimeProvider time)
{
    private readonly ConcurrentDictionary<ThrottleKey, Budget> _budgets = new();

    public ThrottlingOptions Options => options.Value;

    /// <summary>
    /// Charges <paramref name="cost"/> to <paramref name="key"/>'s budget if both its buckets can pay now;
    /// otherwise charges nothing and says which limit was hit and for how long.
    /// </summary>
    public ThrottleDecision TryAcquire(ThrottleKey key, RequestCost cost)
    {
        var now = time.GetUtcNow();
        var budget = _budgets.GetOrAdd(key, static (_, state) => NewBudget(state.Settings, state.Now), (Settings: options.Value, Now: now));
        lock (budget)
        {
            budget.Units.Refill(now);
            budget.Writes.Refill(now);
            var unitsWait = budget.Units.WaitFor(cost.ResourceUnits);
            var writesWait = cost.IsWrite ? budget.Writes.WaitFor(cost.WriteUnits) : TimeSpan.Zero;
            var used = Math.Max(budget.Units.Used(cost.ResourceUnits), cost.IsWrite ? budget.Writes.Used(cost.WriteUnits) : 0);
            if (writesWait > TimeSpan.Zero && writesWait >= unitsWait)
            {
                return new ThrottleDecision(ThrottleLimit.WriteLimitExceeded, writesWait, used);
            }

            if (unitsWait > TimeSpan.Zero)
            {
                return new ThrottleDecision(ThrottleLimit.ResourceUnitLimitExceeded, unitsWait, used);
            }

            budget.Units.Take(cost.ResourceUnits);
            if (cost.IsWrite)
            {
                budget.Writes.Take(cost.WriteUnits);
            }

            return new ThrottleDecision(null, TimeSpan.Zero, used);
        }
    }

    private sealed record Budget(TokenBucket Units, TokenBucket Writes);

    private static Budget NewBudget(ThrottlingOptions settings, DateTimeOffset now) => new(
        new TokenBucket(settings.ResourceUnitsPerWindow, TimeSpan.FromSeconds(settings.Window), now),
        new TokenBucket(settings.WriteUnitsPerWindow, TimeSpan.FromSeconds(settings.WriteWindow), now));
}
