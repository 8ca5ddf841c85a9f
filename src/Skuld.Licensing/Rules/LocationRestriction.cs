using System.Collections.Immutable;

namespace Skuld.Licensing.Rules;

/// <summary>A plan that may not be enabled for users in these usage locations (Graph: ProhibitedInUsageLocationViolation).</summary>
public sealed record LocationRestriction(Guid PlanId, ImmutableArray<string> BlockedCountries);
