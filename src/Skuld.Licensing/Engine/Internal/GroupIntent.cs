using System.Collections.Immutable;

namespace Skuld.Licensing.Engine.Internal;

/// <summary>
/// One product a group assigns, checked once per batch against the tenant: whether it is valid at
/// all (a tenant product for users whose disabledPlans belong to it), and the plans it enables.
/// </summary>
internal sealed record IntentLicense(
    Guid SkuId,
    ImmutableArray<Guid> DisabledPlans,
    bool Valid,
    int[] Enabled,
    bool HasMailbox);

/// <summary>A group's licenses, one per SKU (the last entry of a SKU listed twice wins), by skuId.</summary>
internal sealed class GroupIntent
{
    private GroupIntent(Guid groupId, IntentLicense[] licenses)
    {
        GroupId = groupId;
        Licenses = licenses;
    }

    public Guid GroupId { get; }

    public IntentLicense[] Licenses { get; }

    public int IndexOf(Guid skuId)
    {
        for (var i = 0; i < Licenses.Length; i++)
        {
            if (Licenses[i].SkuId == skuId)
            {
                return i;
            }
        }
        return -1;
    }

    public bool Intends(Guid skuId) => IndexOf(skuId) >= 0;

    public static GroupIntent Of(TenantIndex index, GroupLicense group)
    {
        var last = new Dictionary<Guid, LicenseRequest>();
        foreach (var request in group.Licenses.IsDefault ? [] : group.Licenses)
        {
            last[request.SkuId] = request;
        }
        return new GroupIntent(group.GroupId, [.. last.Values.OrderBy(r => r.SkuId).Select(r => License(index, r))]);
    }

    private static IntentLicense License(TenantIndex index, LicenseRequest request)
    {
        var disabled = (request.DisabledPlans.IsDefault ? [] : request.DisabledPlans).Distinct().ToArray();
        var sku = index.Find(request.SkuId);
        if (sku is null || !sku.AssignableToUser || !disabled.All(sku.HasPlan))
        {
            return new IntentLicense(request.SkuId, [.. disabled], false, [], false);
        }
        // Disabled plans in product order, so that the row written equals the row read back (idempotence).
        ImmutableArray<Guid> ordered = [.. sku.PlanIds.Where(disabled.Contains)];
        int[] enabled = [.. sku.PlanIndexes.Where((_, i) => !disabled.Contains(sku.PlanIds[i]))];
        return new IntentLicense(request.SkuId, ordered, true, enabled, enabled.Any(p => index.IsMailbox[p]));
    }
}
