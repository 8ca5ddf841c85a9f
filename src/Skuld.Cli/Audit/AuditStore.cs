using Microsoft.EntityFrameworkCore;
using Skuld.Store;

namespace Skuld.Cli.Audit;

/// <summary>The shape the audit verbs share: open the store, find the tenant by domain, run one step.</summary>
internal static class AuditStore
{
    public static async Task<int> RunAsync(
        CliOutput cli, string store, string domain, Func<SkuldDb, Guid, CancellationToken, Task<int>> step, CancellationToken ct)
    {
        var (db, exitCode) = await StoreOptions.OpenAsync(store, cli, ct);
        if (db is null)
        {
            return exitCode;
        }

        await using (db)
        {
            var key = domain.Trim().ToLowerInvariant();
            // The operator names the tenant by domain: found across tenants, then the context works in that tenant only.
            var tenantId = await db.Tenants.AcrossTenants().Where(t => t.Domain == key || t.InitialDomain == key).Select(t => (Guid?)t.Id).FirstOrDefaultAsync(ct);
            return tenantId is { } id ? await step(db.EnterTenant(id), id, ct) : cli.Fail($"no tenant '{domain}' in this store");
        }
    }
}
