using System.Collections.Immutable;

namespace Skuld.Licensing.Engine.Internal;

/// <summary>
/// One assignLicense request, checked rule by rule in the documented order; the first failure wins.
/// </summary>
/// <remarks>
/// Request shape decisions (Graph documents none of them):
/// a SKU listed twice in <c>add</c> is taken once, at its first position, with its last disabledPlans;
/// a SKU both removed and added is removed then added again, so it stays with the new disabledPlans;
/// removing a SKU the user does not hold directly is refused when a group gives it (inherited) and
/// otherwise a no-op, unless the tenant does not know the SKU at all.
/// </remarks>
internal sealed class DirectAssignment
{
    private readonly TenantSnapshot tenant;
    private readonly UserSnapshot user;
    private readonly ImmutableArray<LicenseRequest> adds;
    private readonly ImmutableArray<Guid> removes;

    public DirectAssignment(TenantSnapshot tenant, UserSnapshot user, ImmutableArray<LicenseRequest> add, ImmutableArray<Guid> remove)
    {
        this.tenant = tenant;
        this.user = user;
        var lastBySku = new Dictionary<Guid, LicenseRequest>();
        foreach (var request in add.IsDefault ? [] : add)
        {
            lastBySku[request.SkuId] = request;
        }
        adds = [.. (add.IsDefault ? [] : add).Select(r => r.SkuId).Distinct().Select(sku => lastBySku[sku])];
        removes = [.. (remove.IsDefault ? [] : remove).Distinct()];
    }

    public DirectOutcome Evaluate()
    {
        var failure = CheckSkus() ?? CheckAssignableToUser() ?? CheckDisabledPlans();
        if (failure is not null)
        {
            return new DirectOutcome.Refused(failure);
        }

        var after = NewAssignments();
        var before = UserPlans.Of(tenant, user.Assignments);
        var planned = UserPlans.Of(tenant, after);
        failure = CheckUsageLocation(before)
            ?? CheckSeats(before)
            ?? CheckExclusions(planned)
            ?? CheckDependencies(before, planned);
        return failure is null
            ? new DirectOutcome.Applied(after, SeatChanges(before, planned))
            : new DirectOutcome.Refused(failure);
    }

    private DirectFailure? CheckSkus()
    {
        foreach (var request in adds)
        {
            if (!tenant.Skus.ContainsKey(request.SkuId))
            {
                return Fail(DirectFailureCode.UnknownSku, request.SkuId);
            }
        }
        foreach (var skuId in removes)
        {
            var rows = user.Assignments.Where(r => r.SkuId == skuId).ToList();
            if (rows.Exists(r => r.IsDirect))
            {
                continue;
            }
            if (rows.Count > 0)
            {
                return Fail(DirectFailureCode.InheritedLicense, skuId);
            }
            if (!tenant.Skus.ContainsKey(skuId))
            {
                return Fail(DirectFailureCode.UnknownSku, skuId);
            }
        }
        return null;
    }

    private DirectFailure? CheckAssignableToUser() =>
        adds.Where(r => tenant.Skus[r.SkuId].Product.AppliesTo != Catalogue.AppliesTo.User)
            .Select(r => Fail(DirectFailureCode.NotAssignableToUser, r.SkuId))
            .FirstOrDefault();

    private DirectFailure? CheckDisabledPlans()
    {
        foreach (var request in adds)
        {
            var product = tenant.Skus[request.SkuId].Product;
            ImmutableArray<Guid> foreign = [.. DisabledOf(request).Where(id => !product.HasPlan(id)).Distinct()];
            if (!foreign.IsEmpty)
            {
                return Fail(DirectFailureCode.DisabledPlanNotInSku, request.SkuId, foreign);
            }
        }
        return null;
    }

    // Direct assignment never falls back to the tenant's country; a request that only removes needs no location.
    private DirectFailure? CheckUsageLocation(UserPlans before)
    {
        if (adds.IsEmpty)
        {
            return null;
        }
        if (user.UsageLocation is not { } location || !Countries.IsValid(location))
        {
            return new DirectFailure(DirectFailureCode.InvalidUsageLocation, null, [], user.UsageLocation);
        }
        foreach (var request in adds)
        {
            // Plans the user already has enabled stay; only newly enabled ones are checked.
            var prohibited = EnabledOf(request)
                .Where(planId => !before.Enabled.Contains(planId) && tenant.Rules.IsProhibited(planId, location))
                .Select(planId => (Guid?)planId)
                .FirstOrDefault();
            if (prohibited is { } planId)
            {
                return new DirectFailure(DirectFailureCode.ProhibitedInUsageLocation, request.SkuId, [planId], location);
            }
        }
        return null;
    }

    // A user holding a SKU from several sources uses one seat: only a SKU the user did not hold costs one.
    private DirectFailure? CheckSeats(UserPlans before) =>
        adds.Where(r => !before.HeldSkus.Contains(r.SkuId) && tenant.Skus[r.SkuId].Available < 1)
            .Select(r => Fail(DirectFailureCode.NoAvailableLicenses, r.SkuId))
            .FirstOrDefault();

    private DirectFailure? CheckExclusions(UserPlans planned)
    {
        foreach (var request in adds)
        {
            foreach (var planId in EnabledOf(request))
            {
                var conflict = planned.Sources.FirstOrDefault(s => tenant.Rules.AreMutuallyExclusive(planId, s.PlanId));
                if (conflict != default)
                {
                    return Fail(DirectFailureCode.MutuallyExclusive, request.SkuId, [planId, conflict.PlanId]);
                }
            }
        }
        return null;
    }

    /// <summary>
    /// Fails on a dependency the request breaks: a dependent plan it enables without a prerequisite, or a
    /// prerequisite it takes away (removed SKU, newly disabled plan). A violation the user already had is left alone.
    /// </summary>
    private DirectFailure? CheckDependencies(UserPlans before, UserPlans planned)
    {
        var rules = tenant.Rules;
        var candidates = adds.SelectMany(r => EnabledOf(r).Select(planId => (planId, (Guid?)r.SkuId)))
            .Concat(planned.Sources.Select(s => (s.PlanId, (Guid?)null)));
        foreach (var (planId, addedBy) in candidates)
        {
            var alreadyBroken = before.Enabled.Contains(planId) && before.LacksPrerequisite(planId, rules);
            if (!planned.LacksPrerequisite(planId, rules) || alreadyBroken)
            {
                continue;
            }
            var prerequisites = rules.PrerequisitesOf(planId);
            var skuId = addedBy ?? SkuThatGaveAny(prerequisites) ?? planned.Sources.First(s => s.PlanId == planId).SkuId;
            return Fail(DirectFailureCode.Dependency, skuId, [planId, .. prerequisites]);
        }
        return null;
    }

    // The requested SKU (adds first, then removes) whose current rows enabled one of these plans.
    private Guid? SkuThatGaveAny(ImmutableArray<Guid> planIds)
    {
        var gave = UserPlans.Of(tenant, user.Assignments.Where(r => r.IsDirect)).Sources
            .Where(s => planIds.Contains(s.PlanId))
            .Select(s => s.SkuId)
            .ToHashSet();
        return adds.Select(r => r.SkuId).Concat(removes).Where(gave.Contains).Select(id => (Guid?)id).FirstOrDefault();
    }

    private ImmutableArray<AssignmentState> NewAssignments()
    {
        var replaced = removes.Concat(adds.Select(r => r.SkuId)).ToHashSet();
        var kept = user.Assignments.Where(r => !(r.IsDirect && replaced.Contains(r.SkuId)));
        var added = adds.Select(r => new AssignmentState(
            r.SkuId, null, [.. DisabledInProductOrder(r)], LicenseState.Active, LicenseError.None));
        return [.. kept.Concat(added).Order(AssignmentOrder.Instance)];
    }

    // Seats of SKUs the tenant no longer has are not counted anywhere, so no change is reported for them.
    private ImmutableArray<SeatChange> SeatChanges(UserPlans before, UserPlans planned) =>
    [
        .. planned.HeldSkus.Except(before.HeldSkus).Select(sku => new SeatChange(sku, +1))
            .Concat(before.HeldSkus.Except(planned.HeldSkus).Select(sku => new SeatChange(sku, -1)))
            .Where(change => tenant.Skus.ContainsKey(change.SkuId))
            .OrderBy(change => change.SkuId),
    ];

    private static ImmutableArray<Guid> DisabledOf(LicenseRequest request) =>
        request.DisabledPlans.IsDefault ? [] : request.DisabledPlans;

    private IEnumerable<Guid> DisabledInProductOrder(LicenseRequest request) =>
        tenant.Skus[request.SkuId].Product.Plans.Select(p => p.Id).Where(DisabledOf(request).Contains);

    private IEnumerable<Guid> EnabledOf(LicenseRequest request) =>
        UserPlans.EnabledPlans(tenant.Skus[request.SkuId].Product.Plans, DisabledOf(request));

    private static DirectFailure Fail(DirectFailureCode code, Guid skuId, ImmutableArray<Guid> planIds = default) =>
        new(code, skuId, planIds.IsDefault ? [] : planIds, null);
}
