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
            var tenantId = await db.Tenants.Where(t => t.Domain == key || t.InitialDomain == key).Select(t => (Guid?)t.Id).FirstOrDefaultAsync(ct);
            return tenantId is { } id ? await step(db, id, ct) : cli.Fail($"no tenant '{domain}' in this store");
        }
    }
}
