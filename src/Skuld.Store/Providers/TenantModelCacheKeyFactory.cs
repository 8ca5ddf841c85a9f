using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Skuld.Store.Providers;

/// <summary>
/// Two models per context type: the normal one with the tenant filters (<see cref="TenantScope"/>), and one
/// without them for contexts made for all tenants. A bool in the filter instead would put
/// <c>OR @all</c> into every query, which keeps SQLite from using the tenant-first indexes.
/// </summary>
internal sealed class TenantModelCacheKeyFactory : IModelCacheKeyFactory
{
    public object Create(DbContext context, bool designTime)
    {
        if (context is not SkuldDb db)
        {
            return (context.GetType(), designTime);
        }

        db.ModelChosen = true;
        return (context.GetType(), db.SeesAllTenants, designTime);
    }
}
