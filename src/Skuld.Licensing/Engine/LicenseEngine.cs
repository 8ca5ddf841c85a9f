using System.Collections.Immutable;
using Skuld.Licensing.Engine.Internal;

namespace Skuld.Licensing.Engine;

/// <summary>
/// The one place that decides licenses. Pure: no I/O, no clock. Every surface calls it.
/// </summary>
public static class LicenseEngine
{
    /// <summary>
    /// Evaluates an assignLicense request (adds and removes applied together, all-or-nothing).
    /// </summary>
    /// <remarks>
    /// Checks, first failure wins: (a) add SKUs are the tenant's, removed SKUs are not inherited;
    /// (b) products apply to users; (c) disabledPlans belong to the product; (d) a valid usage location
    /// (only when adding), and no newly enabled plan prohibited there; (e) a free seat for every SKU the
    /// user does not hold yet; (f) no two enabled plans of one exclusion group; (g) every enabled plan
    /// keeps a prerequisite. A SKU listed twice in <paramref name="add"/> counts once with its last
    /// disabledPlans; a SKU both removed and added stays, with the new disabledPlans.
    /// </remarks>
    public static DirectOutcome AssignDirect(
        TenantSnapshot tenant,
        UserSnapshot user,
        ImmutableArray<LicenseRequest> add,
        ImmutableArray<Guid> remove) => new DirectAssignment(tenant, user, add, remove).Evaluate();

    /// <summary>The products a user holds from the given assignments, ordered by skuId.</summary>
    /// <remarks>
    /// Only rows that grant the license count, and only SKUs the tenant knows. Disabled plans are the
    /// intersection of the sources' disabled plans, so enabled plans are the union; both in product order.
    /// </remarks>
    public static ImmutableArray<EffectiveLicense> Effective(
        TenantSnapshot tenant,
        IEnumerable<AssignmentState> assignments) =>
    [
        .. assignments
            .Where(a => a.GrantsLicense && tenant.Skus.ContainsKey(a.SkuId))
            .GroupBy(a => a.SkuId)
            .OrderBy(g => g.Key)
            .Select(g =>
            {
                var product = tenant.Skus[g.Key].Product;
                var planIds = product.Plans.Select(p => p.Id).ToList();
                var disabled = planIds
                    .Where(id => g.All(a => !a.DisabledPlans.IsDefault && a.DisabledPlans.Contains(id)))
                    .ToHashSet();
                return new EffectiveLicense(
                    g.Key,
                    [.. planIds.Where(disabled.Contains)],
                    [.. planIds.Where(id => !disabled.Contains(id))]);
            }),
    ];
}
