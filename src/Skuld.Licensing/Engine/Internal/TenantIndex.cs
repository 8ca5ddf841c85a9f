using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using Skuld.Licensing.Catalogue;

namespace Skuld.Licensing.Engine.Internal;

/// <summary>A tenant product with its plans as dense indexes.</summary>
internal sealed record SkuEntry(Guid SkuId, bool AssignableToUser, Guid[] PlanIds, int[] PlanIndexes)
{
    public bool HasPlan(Guid planId) => Array.IndexOf(PlanIds, planId) >= 0;
}

/// <summary>
/// The tenant's products and plan rules flattened to arrays indexed by a dense plan number, so group
/// evaluation over a million members counts plans in an int array instead of hashing Guids.
/// Built once per <see cref="TenantSnapshot"/> instance and cached (a worker reuses its snapshot for every batch).
/// </summary>
internal sealed class TenantIndex
{
    private static readonly ConditionalWeakTable<TenantSnapshot, TenantIndex> cache = [];

    private readonly FrozenDictionary<Guid, SkuEntry> skus;

    private TenantIndex(TenantSnapshot tenant)
    {
        Tenant = tenant;
        var numbers = new Dictionary<Guid, int>();
        var plans = new List<ServicePlan>();
        var entries = new Dictionary<Guid, SkuEntry>();
        foreach (var (skuId, stock) in tenant.Skus.OrderBy(p => p.Key))
        {
            var product = stock.Product;
            var indexes = new int[product.Plans.Length];
            for (var i = 0; i < indexes.Length; i++)
            {
                var plan = product.Plans[i];
                if (!numbers.TryGetValue(plan.Id, out var number))
                {
                    number = plans.Count;
                    numbers[plan.Id] = number;
                    plans.Add(plan);
                }
                indexes[i] = number;
            }
            entries[skuId] = new SkuEntry(skuId, product.AppliesTo == AppliesTo.User, [.. product.Plans.Select(p => p.Id)], indexes);
        }
        skus = entries.ToFrozenDictionary();

        var rules = tenant.Rules;
        var restricted = rules.LocationRestrictions.Select(r => r.PlanId).ToHashSet();
        PlanCount = plans.Count;
        PlanIds = [.. plans.Select(p => p.Id)];
        Peers = new int[PlanCount][];
        Prerequisites = new int[PlanCount][];
        NeedsPrerequisite = new bool[PlanCount];
        LocationRestricted = new bool[PlanCount];
        IsMailbox = new bool[PlanCount];
        var dependents = Enumerable.Range(0, PlanCount).Select(_ => new List<int>()).ToArray();
        for (var i = 0; i < PlanCount; i++)
        {
            var id = PlanIds[i];
            Peers[i] = [.. rules.ExclusionGroupsOf(id).SelectMany(g => g.PlanIds)
                .Where(p => p != id && numbers.ContainsKey(p)).Select(p => numbers[p]).Distinct()];
            var prerequisites = rules.PrerequisitesOf(id);
            NeedsPrerequisite[i] = !prerequisites.IsEmpty;
            // A prerequisite no tenant product contains can never be enabled: the plan always lacks it.
            Prerequisites[i] = [.. prerequisites.Where(numbers.ContainsKey).Select(p => numbers[p]).Distinct()];
            foreach (var prerequisite in Prerequisites[i])
            {
                dependents[prerequisite].Add(i);
            }
            LocationRestricted[i] = restricted.Contains(id);
            IsMailbox[i] = MailPlans.IsMailPlan(plans[i]);
        }
        Dependents = [.. dependents.Select(d => d.ToArray())];
    }

    public static TenantIndex Of(TenantSnapshot tenant) => cache.GetValue(tenant, t => new TenantIndex(t));

    public TenantSnapshot Tenant { get; }

    public int PlanCount { get; }

    public Guid[] PlanIds { get; }

    /// <summary>Per plan: the other tenant plans it may not be enabled with.</summary>
    public int[][] Peers { get; }

    /// <summary>Per plan: the tenant plans of which one must be enabled (see <see cref="NeedsPrerequisite"/>).</summary>
    public int[][] Prerequisites { get; }

    public bool[] NeedsPrerequisite { get; }

    /// <summary>Per plan: the plans that list it as a prerequisite.</summary>
    public int[][] Dependents { get; }

    public bool[] LocationRestricted { get; }

    public bool[] IsMailbox { get; }

    public SkuEntry? Find(Guid skuId) => skus.GetValueOrDefault(skuId);

    public bool IsProhibited(int plan, string location) =>
        LocationRestricted[plan] && Tenant.Rules.IsProhibited(PlanIds[plan], location);
}
