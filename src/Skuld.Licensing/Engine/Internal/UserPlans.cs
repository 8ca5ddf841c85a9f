using System.Collections.Immutable;

namespace Skuld.Licensing.Engine.Internal;

/// <summary>One enabled plan of a user and the assignment row it comes from.</summary>
internal readonly record struct PlanSource(Guid PlanId, Guid SkuId, Guid? AssignedByGroup);

/// <summary>The plans a set of assignment rows enables: only rows that grant the license count.</summary>
internal sealed class UserPlans
{
    private UserPlans(ImmutableArray<PlanSource> sources, ImmutableHashSet<Guid> heldSkus)
    {
        Sources = sources;
        Enabled = [.. sources.Select(s => s.PlanId)];
        HeldSkus = heldSkus;
    }

    /// <summary>Every (plan, row) pair, rows in <see cref="AssignmentOrder"/>, plans in product order.</summary>
    public ImmutableArray<PlanSource> Sources { get; }

    public ImmutableHashSet<Guid> Enabled { get; }

    /// <summary>The SKUs with at least one granting row, known to the tenant or not (each costs one seat).</summary>
    public ImmutableHashSet<Guid> HeldSkus { get; }

    public static UserPlans Of(TenantSnapshot tenant, IEnumerable<AssignmentState> rows)
    {
        var granting = rows.Where(r => r.GrantsLicense).Order(AssignmentOrder.Instance).ToList();
        var sources = ImmutableArray.CreateBuilder<PlanSource>();
        foreach (var row in granting)
        {
            // A SKU the tenant no longer has contributes no known plans.
            if (tenant.Skus.TryGetValue(row.SkuId, out var stock))
            {
                sources.AddRange(EnabledPlans(stock.Product.Plans, row.DisabledPlans)
                    .Select(p => new PlanSource(p, row.SkuId, row.AssignedByGroup)));
            }
        }
        return new UserPlans(sources.ToImmutable(), [.. granting.Select(r => r.SkuId)]);
    }

    /// <summary>A product's plans minus the disabled ones, in product order.</summary>
    public static IEnumerable<Guid> EnabledPlans(ImmutableArray<Catalogue.ServicePlan> plans, ImmutableArray<Guid> disabled) =>
        plans.Select(p => p.Id).Where(id => !disabled.Contains(id));

    /// <summary>Whether the plan has prerequisites and none of them is enabled.</summary>
    public bool LacksPrerequisite(Guid planId, Rules.PlanRules rules)
    {
        var prerequisites = rules.PrerequisitesOf(planId);
        return !prerequisites.IsEmpty && !prerequisites.Any(Enabled.Contains);
    }
}
