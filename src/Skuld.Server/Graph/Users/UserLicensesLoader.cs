using Microsoft.EntityFrameworkCore;
using Skuld.Licensing.Engine;
using Skuld.Store;
using Skuld.Store.Licensing;

namespace Skuld.Server.Graph.Users;

/// <summary>Loads the license rows of a page of users in one query and sums them up through the engine.</summary>
public static class UserLicensesLoader
{
    public static async Task<IReadOnlyDictionary<Guid, UserLicenses>> LoadAsync(
        SkuldDb db, Guid tenantId, IReadOnlyCollection<Guid> userIds, CancellationToken ct)
    {
        var tenant = await LicenseSnapshots.LoadTenantAsync(db, tenantId, ct)
            ?? throw new InvalidOperationException($"Tenant {tenantId} of an authenticated caller does not exist.");
        var rows = (await db.LicenseAssignments.AsNoTracking()
            .Where(a => a.TenantId == tenantId && userIds.Contains(a.UserId))
            .ToListAsync(ct))
            .ToLookup(a => a.UserId);
        return userIds.Distinct().ToDictionary(id => id, id =>
        {
            var userRows = rows[id].ToList();
            var effective = LicenseEngine.Effective(tenant, userRows.Select(r => r.ToState()));
            return new UserLicenses(userRows, effective, sku => tenant.Skus.TryGetValue(sku, out var stock) ? stock.Product : null);
        });
    }
}
