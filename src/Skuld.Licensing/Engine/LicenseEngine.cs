using System.Collections.Immutable;
using System.Runtime.InteropServices;
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
    /// <param name="proxyClash">
    /// The proxy layer found that licensing this user for mail would take a proxy address another recipient
    /// holds (reference §5): a request that gives the user a mailbox they do not have yet is refused with
    /// <see cref="DirectFailureCode.ProxyAddressInUse"/>, after every other rule.
    /// </param>
    public static DirectOutcome AssignDirect(
        TenantSnapshot tenant,
        UserSnapshot user,
        ImmutableArray<LicenseRequest> add,
        ImmutableArray<Guid> remove,
        bool proxyClash = false)
    {
        var outcome = new DirectAssignment(tenant, user, add, remove).Evaluate();
        if (proxyClash && outcome is DirectOutcome.Applied applied
            && !HasMailbox(tenant, user.Assignments) && HasMailbox(tenant, applied.Assignments))
        {
            var mailSku = Effective(tenant, applied.Assignments).First(l => MailPlanIds(tenant, l).Any());
            return new DirectOutcome.Refused(new DirectFailure(
                DirectFailureCode.ProxyAddressInUse, mailSku.SkuId, [.. MailPlanIds(tenant, mailSku)], user.UsageLocation));
        }

        return outcome;
    }

    /// <summary>Whether these assignments give the user an enabled mail plan (<see cref="Catalogue.MailPlans"/>), i.e. a mailbox.</summary>
    public static bool HasMailbox(TenantSnapshot tenant, IEnumerable<AssignmentState> assignments) =>
        Effective(tenant, assignments).Any(l => MailPlanIds(tenant, l).Any());

    private static IEnumerable<Guid> MailPlanIds(TenantSnapshot tenant, EffectiveLicense license) =>
        tenant.Skus[license.SkuId].Product.Plans
            .Where(p => Catalogue.MailPlans.IsMailPlan(p) && license.EnabledPlans.Contains(p.Id))
            .Select(p => p.Id);

    /// <summary>
    /// Group-based licensing for a batch of members: each member's complete new rows (direct rows kept
    /// as they are, one row per licensed group and SKU) and seat changes, taking and freeing seats in
    /// <paramref name="ledger"/>. Members are evaluated in membership order (<see cref="MemberInput.MemberSince"/>,
    /// then user id) whatever the list order, and the outcomes come back in that order.
    /// </summary>
    /// <remarks>
    /// <para>Batches: call once per batch with the same ledger, batches in membership order (a batch is
    /// a consecutive slice of the queue); the result is then the same whatever the batch size. Members who
    /// only give seats back (left the group) go first. When <see cref="SeatLedger.NeedsAnotherPass"/> is
    /// true afterwards, a seat was freed after an earlier member was refused one: evaluate again.</para>
    /// <para>Seats: a user holds one seat per SKU whatever the number of sources, and keeps a seat they
    /// already hold (a granting row from any source). A group row needs a seat only for a SKU the user holds
    /// from no source; free seats go to members in queue order, the others get CountViolation.</para>
    /// <para>Per member, groups already granting are checked first, then new ones, each by group id; each
    /// group as a whole (all-or-nothing), rule by rule, first failure wins: products valid (Other), usage
    /// location — the user's, else the tenant's country, never written to the user — (ProhibitedInUsageLocationViolation),
    /// proxy clash (UniquenessViolation), no enabled plan exclusive with a plan the user has from any source or
    /// from the group (MutuallyExclusiveViolation), no new dependency violation (DependencyViolation), seats
    /// (CountViolation on every product that needed a new seat). The failing product carries the error, the
    /// group's other products Other. New rows of a failed group are Error; rows that already granted keep
    /// granting unchanged as ActiveWithError, because a failed change takes nothing away.</para>
    /// <para>Leaving a group (or the group dropping a SKU) removes the rows, and frees the seat when no
    /// source is left, except a row whose removal would leave an enabled plan without its only
    /// prerequisite: it stays, ActiveWithError with DependencyViolation, until the dependent plan goes.</para>
    /// <para>Each member's rows are evaluated to a fixed point, so evaluating the outcome again changes
    /// nothing (as long as no extra pass is needed).</para>
    /// <para>Speed: members of a batch with equal groups, usage location, proxy clash, current rows (by value)
    /// and free seats get equal outcomes, so each such shape is evaluated once and replayed for the others;
    /// their outcomes may share new row instances and arrays (all immutable; compare rows by value). Rows a
    /// member keeps are the member's own instances, and unchanged rows come back as the very array given.
    /// A worker gets the fast path by passing batches already in membership order (they are then not sorted)
    /// and the same <see cref="ImmutableArray{T}"/> of <see cref="GroupLicense"/> to the members of one group
    /// (equal values work too, at the cost of comparing them).</para>
    /// </remarks>
    public static ImmutableArray<MemberOutcome> EvaluateMembers(
        TenantSnapshot tenant,
        IReadOnlyList<MemberInput> members,
        SeatLedger ledger)
    {
        var ordered = MembershipOrder.Sort(members);
        using (var seen = new UserIdSet(ordered.Count))
        {
            for (var i = 0; i < ordered.Count; i++)
            {
                if (!seen.Add(ordered[i].User.UserId))
                {
                    throw new ArgumentException($"User {ordered[i].User.UserId} is in the batch twice.", nameof(members));
                }
            }
        }
        var evaluator = new MemberShapes(TenantIndex.Of(tenant), ledger);
        var outcomes = new MemberOutcome[ordered.Count];
        for (var i = 0; i < outcomes.Length; i++)
        {
            outcomes[i] = evaluator.Evaluate(ordered[i]);
        }
        return ImmutableCollectionsMarshal.AsImmutableArray(outcomes);
    }

    /// <summary>
    /// What-if: the outcomes <see cref="EvaluateMembers"/> would give, on a copy of the ledger; the
    /// ledger passed in is not touched. The copy (with the seats the batch would take) comes back too.
    /// </summary>
    public static (ImmutableArray<MemberOutcome> Outcomes, SeatLedger Ledger) WhatIfMembers(
        TenantSnapshot tenant,
        IReadOnlyList<MemberInput> members,
        SeatLedger ledger)
    {
        var copy = ledger.Copy();
        return (EvaluateMembers(tenant, members, copy), copy);
    }

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
