namespace Skuld.Server.Throttling;

/// <summary>Which of Graph's limits a refused request hit (the <c>x-ms-throttle-information</c> values).</summary>
public enum ThrottleLimit
{
    ResourceUnitLimitExceeded,
    WriteLimitExceeded,
}
