using Microsoft.EntityFrameworkCore;

namespace Skuld.Store.Licensing;

/// <summary>
/// Keeps each <see cref="TenantSku"/>'s unit columns equal to the sums over the tenant's subscriptions
/// of that SKU. Call inside the caller's transaction when it writes other rows (audit) with it.
/// </summary>
public static class SubscriptionUnits
{
    /// <summary>
    /// Adds a subscription of <paramref name="skuId"/> with <paramref name="enabledUnits"/> enabled
    /// units, creates the tenant's seat counter for the SKU if it is the first, and recounts the units.
    /// Saves the context (so whatever else the caller added, such as an audit event, is saved with it).
    /// </summary>
    public static async Task<Subscription> AddAsync(
        SkuldDb db, Guid tenantId, Guid skuId, int enabledUnits, TimeProvider time, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(enabledUnits);
        var subscription = new Subscription
        {
            TenantId = tenantId,
            Id = Guid.CreateVersion7(time.GetUtcNow()),
            SkuId = skuId,
            EnabledUnits = enabledUnits,
            CreatedDateTime = time.GetUtcNow(),
            NextLifecycleDateTime = time.GetUtcNow().AddYears(1),
        };
        db.Subscriptions.Add(subscription);
        var counterExists = await db.TenantSkus.AnyAsync(s => s.TenantId == tenantId && s.SkuId == skuId, ct);
        if (!counterExists)
        {
            db.TenantSkus.Add(new TenantSku { TenantId = tenantId, SkuId = skuId });
        }

        await db.SaveChangesAsync(ct);
        await RecountAsync(db, tenantId, skuId, ct);
        return subscription;
    }

    /// <summary>
    /// Sets a SKU's unit columns to the sums over its subscriptions, in one statement. Call after
    /// changing a subscription's units. Consumed units are left as they are.
    /// </summary>
    public static Task<int> RecountAsync(SkuldDb db, Guid tenantId, Guid skuId, CancellationToken ct)
    {
        var subscriptions = db.Subscriptions.Where(s => s.TenantId == tenantId && s.SkuId == skuId);
        return db.TenantSkus
            .Where(s => s.TenantId == tenantId && s.SkuId == skuId)
            .ExecuteUpdateAsync(
                set => set
                    .SetProperty(t => t.EnabledUnits, t => subscriptions.Sum(s => s.EnabledUnits))
                    .SetProperty(t => t.WarningUnits, t => subscriptions.Sum(s => s.WarningUnits))
                    .SetProperty(t => t.SuspendedUnits, t => subscriptions.Sum(s => s.SuspendedUnits))
                    .SetProperty(t => t.LockedOutUnits, t => subscriptions.Sum(s => s.LockedOutUnits)),
                ct);
    }
}
