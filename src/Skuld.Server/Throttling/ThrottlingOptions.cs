namespace Skuld.Server.Throttling;

/// <summary>
/// Graph-like throttling budgets, bound from <c>Skuld:Throttling</c>. Off unless <see cref="Enabled"/>:
/// a local tenant for tests and demos should not surprise its user with 429s. The defaults are Graph's
/// identity-and-access figures for a small tenant (reference §6): 3,500 resource units per 10 s and
/// 3,000 writes per 150 s, per tenant and application.
/// </summary>
public sealed class ThrottlingOptions
{
    public const string Section = "Skuld:Throttling";

    public bool Enabled { get; set; }

    /// <summary>Resource units a (tenant, app) may spend per <see cref="Window"/>.</summary>
    public int ResourceUnitsPerWindow { get; set; } = 3500;

    /// <summary>Writes (POST/PATCH/PUT/DELETE) a (tenant, app) may make per <see cref="WriteWindow"/>.</summary>
    public int WriteUnitsPerWindow { get; set; } = 3000;

    /// <summary>Seconds over which <see cref="ResourceUnitsPerWindow"/> refill.</summary>
    public double Window { get; set; } = 10;

    /// <summary>Seconds over which <see cref="WriteUnitsPerWindow"/> refill.</summary>
    public double WriteWindow { get; set; } = 150;

    internal bool IsValid =>
        ResourceUnitsPerWindow > 0 && WriteUnitsPerWindow > 0 && Window > 0 && WriteWindow > 0;
}
