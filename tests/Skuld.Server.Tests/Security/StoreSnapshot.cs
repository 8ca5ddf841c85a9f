using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Skuld.Server.Tests.Infrastructure;

namespace Skuld.Server.Tests.Security;

/// <summary>
/// Every row a Graph request could change, as text, to prove that a refused request changed nothing:
/// users, license assignments, seat counters, subscriptions, tenants, role assignments and the audit log.
/// </summary>
/// <remarks>
/// Decision: a license request the engine refuses (unknown SKU, plan not in the SKU, …) is stored as a
/// failed <c>Change user license</c> audit event on purpose, so the troubleshooting assistant can find
/// it later. Those failure events are the one thing a refused request may add; they are left out of the
/// comparison. Any other audit event (a success, or a failure of anything else) counts as a change.
/// </remarks>
public sealed record StoreSnapshot(IReadOnlyList<string> Rows)
{
    public const string LicenseFailureActivity = "Change user license";

    public static async Task<StoreSnapshot> TakeAsync(SkuldServer server)
    {
        await using var db = server.NewDb();
        var rows = new List<string>();
        rows.AddRange(Lines("tenant", await db.Tenants.AsNoTracking().OrderBy(t => t.Id).ToListAsync()));
        rows.AddRange(Lines("user", await db.Users.AsNoTracking().OrderBy(u => u.TenantId).ThenBy(u => u.Id).ToListAsync()));
        rows.AddRange(Lines("license_assignment", await db.LicenseAssignments.AsNoTracking()
            .OrderBy(a => a.TenantId).ThenBy(a => a.UserId).ThenBy(a => a.SkuId).ThenBy(a => a.SourceId).ToListAsync()));
        rows.AddRange(Lines("tenant_sku", await db.TenantSkus.AsNoTracking().OrderBy(s => s.TenantId).ThenBy(s => s.SkuId).ToListAsync()));
        rows.AddRange(Lines("subscription", await db.Subscriptions.AsNoTracking().OrderBy(s => s.TenantId).ThenBy(s => s.Id).ToListAsync()));
        rows.AddRange(Lines("role_assignment", await db.RoleAssignments.AsNoTracking()
            .OrderBy(r => r.TenantId).ThenBy(r => r.PrincipalId).ThenBy(r => r.Role).ToListAsync()));
        var audit = await db.AuditEvents.AsNoTracking()
            .Where(e => !(e.Result == "failure" && e.ActivityDisplayName == LicenseFailureActivity))
            .OrderBy(e => e.TenantId).ThenBy(e => e.Id)
            .Select(e => new { e.TenantId, e.Id, e.ActivityDisplayName, e.Result })
            .ToListAsync();
        rows.AddRange(Lines("audit_event", audit));
        return new StoreSnapshot(rows);
    }

    private static IEnumerable<string> Lines<T>(string table, IEnumerable<T> items) =>
        items.Select(item => $"{table} {JsonSerializer.Serialize(item)}");

    /// <summary>Fails with the rows that differ.</summary>
    public void AssertUnchangedIn(StoreSnapshot after)
    {
        var removed = Rows.Except(after.Rows).ToList();
        var added = after.Rows.Except(Rows).ToList();
        Assert.True(removed.Count == 0 && added.Count == 0,
            $"The store changed.\nbefore only:\n{string.Join('\n', removed)}\nafter only:\n{string.Join('\n', added)}");
    }
}
