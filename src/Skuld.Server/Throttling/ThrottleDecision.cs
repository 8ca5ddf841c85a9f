namespace Skuld.Server.Throttling;

/// <summary>
/// The throttler's answer for one request: allowed (charged) or refused with how long to wait.
/// <see cref="UsedShare"/> is the budget's share in use (1.0 = all), for <c>x-ms-throttle-limit-percentage</c>.
/// </summary>
public sealed record ThrottleDecision(ThrottleLimit? Exceeded, TimeSpan RetryAfter, double UsedShare)
{
    public bool Allowed => Exceeded is null;

    /// <summary>Whole seconds for <c>Retry-After</c>, rounded up so that a client honouring it is let in.</summary>
    public int RetryAfterSeconds => Math.Max(1, (int)Math.Ceiling(RetryAfter.TotalSeconds));
}
