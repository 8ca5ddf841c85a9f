namespace Skuld.Server.Throttling.Internal;

/// <summary>
/// A token bucket that refills continuously: <c>capacity</c> tokens per <c>window</c>, never more than
/// <c>capacity</c> held. Driven by the caller's clock readings so tests can move time. Not thread-safe:
/// <see cref="Throttler"/> locks around it.
/// </summary>
internal sealed class TokenBucket(int capacity, TimeSpan window, DateTimeOffset now)
{
    private readonly double _perSecond = capacity / window.TotalSeconds;
    private double _tokens = capacity;
    private DateTimeOffset _updated = now;

    public int Capacity => capacity;

    public void Refill(DateTimeOffset now)
    {
        if (now > _updated)
        {
            _tokens = Math.Min(capacity, _tokens + ((now - _updated).TotalSeconds * _perSecond));
            _updated = now;
        }
    }

    /// <summary>How long until <paramref name="cost"/> tokens are held; zero when they are now.</summary>
    public TimeSpan WaitFor(int cost)
    {
        // A request dearer than the whole budget could never pass: it waits for a full bucket instead.
        var needed = Math.Min(cost, capacity) - _tokens;
        return needed <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(needed / _perSecond);
    }

    public void Take(int cost) => _tokens -= Math.Min(cost, capacity);

    /// <summary>The share of the budget in use, after taking <paramref name="extra"/> more.</summary>
    public double Used(int extra = 0) => (capacity - _tokens + extra) / capacity;
}
