using System.Collections.Immutable;

namespace Skuld.Licensing.Rules;

/// <summary>Service plans of which a user may have at most one enabled (Graph: MutuallyExclusiveViolation).</summary>
public sealed record ExclusionGroup(string Name, ImmutableArray<Guid> PlanIds);
