using Microsoft.EntityFrameworkCore;
using Skuld.Licensing.Engine;

namespace Skuld.Store.Licensing;

/// <summary>Set-based maintenance of the seat counters (<see cref="TenantSku.ConsumedUnits"/>).</summary>
public static class LicenseSeats
{
    /// <summary>
    /// Frees the seats a user holds and deletes the user's license rows. Call inside the transaction
    /// that deletes the user. A user holding a SKU from several sources frees one seat of it.
    /// </summary>
    public static async Task DeleteUserLicensesAsync(SkuldDb db, Guid tenantId, Guid userId, CancellationToken ct)
    {
        var held = db.LicenseAssignments.Where(a => a.TenantId == tenantId && a.UserId == userId
            && (a.State == LicenseState.Active || a.State == LicenseState.ActiveWithError));
        await db.TenantSkus
            .Where(s => s.TenantId == tenantId && held.Any(a => a.SkuId == s.SkuId))
            .ExecuteUpdateAsync(set => set.SetProperty(s => s.ConsumedUnits, s => s.ConsumedUnits - 1), ct);
        await db.LicenseAssignments.Where(a => a.TenantId == tenantId && a.UserId == userId).ExecuteDeleteAsync(ct);
    }

    /// <summary>
    /// Recounts every SKU's consumed units of a tenant from the license rows (one seat per user
    /// holding the SKU from any source). A repair tool; normal changes keep the counters exact.
    /// </summary>
    public static Task<int> RecountConsumedAsync(SkuldDb db, Guid tenantId, CancellationToken ct)
    {
        var held = db.LicenseAssignments.Where(a => a.TenantId == tenantId
            && (a.State == LicenseState.Active || a.State == LicenseState.ActiveWithError));
        return db.TenantSkus
            .Where(s => s.TenantId == tenantId)
            .ExecuteUpdateAsync(
                set => set.SetProperty(s => s.ConsumedUnits, s => held.Where(a => a.SkuId == s.SkuId).Select(a => a.UserId).Distinct().Count()),
                ct);
    }
}
