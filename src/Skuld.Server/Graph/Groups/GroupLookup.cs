using Microsoft.EntityFrameworkCore;
using Skuld.Store;
using Skuld.Store.Directory;

namespace Skuld.Server.Graph.Groups;

/// <summary>Finds a group of the caller's tenant by object id; another tenant's groups do not exist for the caller.</summary>
public static class GroupLookup
{
    public static async Task<Group?> FindAsync(SkuldDb db, Guid tenantId, string id, CancellationToken ct, bool tracked = false)
    {
        if (!Guid.TryParse(id, out var groupId))
        {
            return null;
        }

        var groups = tracked ? db.Groups : db.Groups.AsNoTracking();
        return await groups.FirstOrDefaultAsync(g => g.TenantId == tenantId && g.Id == groupId, ct);
    }

    /// <summary>The group's license rows, by SKU.</summary>
    public static Task<List<Store.Licensing.GroupLicense>> LicensesAsync(SkuldDb db, Guid tenantId, Guid groupId, CancellationToken ct) =>
        db.GroupLicenses.AsNoTracking()
            .Where(l => l.TenantId == tenantId && l.GroupId == groupId)
            .OrderBy(l => l.SkuId)
            .ToListAsync(ct);
}
