using System.Collections.Frozen;
using System.Collections.Immutable;
using Skuld.Licensing.Rules.Internal;

namespace Skuld.Licensing.Rules;

/// <summary>
/// The rules between service plans, kept as data: groups of mutually exclusive plans, prerequisites
/// (a plan that needs one of a set of other plans) and plans prohibited in some usage locations.
/// </summary>
public sealed class PlanRules
{
    private static readonly Lazy<PlanRules> builtIn = new(RulesLoader.LoadBuiltIn);

    private readonly FrozenDictionary<Guid, ImmutableArray<ExclusionGroup>> groupsByPlan;
    private readonly FrozenDictionary<Guid, ImmutableArray<Guid>> prerequisitesByPlan;
    private readonly FrozenDictionary<Guid, FrozenSet<string>> blockedByPlan;

    /// <summary>
    /// Rules from lists. Several dependencies of one plan are merged into one any-of set; several
    /// restrictions of one plan are merged too.
    /// </summary>
    public PlanRules(
        IEnumerable<ExclusionGroup> exclusionGroups,
        IEnumerable<PlanDependency> dependencies,
        IEnumerable<LocationRestriction> locationRestrictions)
    {
        ExclusionGroups = [.. exclusionGroups];
        Dependencies = [.. dependencies
            .GroupBy(d => d.PlanId)
            .Select(g => new PlanDependency(g.Key, [.. g.SelectMany(d => d.AnyOf).Distinct()]))];
        LocationRestrictions = [.. locationRestrictions
            .GroupBy(r => r.PlanId)
            .Select(g => new LocationRestriction(g.Key, [.. g.SelectMany(r => r.BlockedCountries).Distinct(StringComparer.Ordinal)]))];

        groupsByPlan = ExclusionGroups
            .SelectMany(g => g.PlanIds.Distinct().Select(planId => (planId, g)))
            .GroupBy(x => x.planId, x => x.g)
            .ToFrozenDictionary(g => g.Key, g => g.ToImmutableArray());
        prerequisitesByPlan = Dependencies.ToFrozenDictionary(d => d.PlanId, d => d.AnyOf);
        blockedByPlan = LocationRestrictions.ToFrozenDictionary(
            r => r.PlanId, r => r.BlockedCountries.ToFrozenSet(StringComparer.Ordinal));
    }

    /// <summary>The rules Skuld ships with (embedded data, see Catalogue/Data).</summary>
    public static PlanRules BuiltIn => builtIn.Value;

    /// <summary>No rules at all: every plan combination and location is allowed.</summary>
    public static PlanRules None { get; } = new([], [], []);

    public ImmutableArray<ExclusionGroup> ExclusionGroups { get; }

    /// <summary>One entry per dependent plan.</summary>
    public ImmutableArray<PlanDependency> Dependencies { get; }

    /// <summary>One entry per restricted plan.</summary>
    public ImmutableArray<LocationRestriction> LocationRestrictions { get; }

    /// <summary>The exclusion groups this plan belongs to (usually none or one).</summary>
    public ImmutableArray<ExclusionGroup> ExclusionGroupsOf(Guid planId) =>
        groupsByPlan.GetValueOrDefault(planId, []);

    /// <summary>Whether two different plans may not be enabled together.</summary>
    public bool AreMutuallyExclusive(Guid planA, Guid planB) =>
        planA != planB && ExclusionGroupsOf(planA).Any(g => g.PlanIds.Contains(planB));

    /// <summary>The plans of which one must be enabled for this plan to be enabled; empty when it needs none.</summary>
    public ImmutableArray<Guid> PrerequisitesOf(Guid planId) =>
        prerequisitesByPlan.GetValueOrDefault(planId, []);

    /// <summary>Whether the plan may not be enabled for a user in this usage location (exact, upper-case code).</summary>
    public bool IsProhibited(Guid planId, string usageLocation) =>
        blockedByPlan.TryGetValue(planId, out var blocked) && blocked.Contains(usageLocation);
}
