using Microsoft.EntityFrameworkCore;
using Skuld.Store;
using Skuld.Store.Directory;

namespace Skuld.Server.Graph.Users;

/// <summary>Finds a user of the caller's tenant by object id or user principal name, as Graph's /users/{id | userPrincipalName}.</summary>
public static class UserLookup
{
    public static Task<User?> FindAsync(SkuldDb db, Guid tenantId, string idOrUpn, CancellationToken ct)
    {
        var users = db.Users.AsNoTracking();
        if (Guid.TryParse(idOrUpn, out var id))
        {
            return users.FirstOrDefaultAsync(u => u.TenantId == tenantId && u.Id == id, ct);
        }

        var key = User.KeyOf(idOrUpn);
        return users.FirstOrDefaultAsync(u => u.TenantId == tenantId && u.UserPrincipalNameKey == key, ct);
    }

    public static Task<bool> UpnTakenAsync(SkuldDb db, Guid tenantId, string upn, Guid exceptUserId, CancellationToken ct)
    {
        var key = User.KeyOf(upn);
        return db.Users.AnyAsync(u => u.TenantId == tenantId && u.Id != exceptUserId && u.UserPrincipalNameKey == key, ct);
    }
}
