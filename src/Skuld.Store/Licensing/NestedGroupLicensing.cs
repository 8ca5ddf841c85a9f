using Microsoft.EntityFrameworkCore;
using Skuld.Store.Audit;
using Skuld.Store.Processing;

namespace Skuld.Store.Licensing;

/// <summary>The tenant's nested-group-licensing setting after a change; <see cref="Changed"/> when it differed before.</summary>
public sealed record NestedGroupLicensingSetting(bool NestedGroupLicensing, bool Changed);

/// <summary>
/// Beyond Entra: the tenant setting that lets members of nested groups inherit a licensed group's licenses
/// (off by default, as in Entra, where only direct members inherit). Turning it on or off re-evaluates every
/// licensed group of the tenant: users below a licensed group gain or lose what it gives.
/// </summary>
public static class NestedGroupLicensing
{
    /// <summary>The activity Entra records for a change of company-wide settings.</summary>
    public const string Activity = "Set company information";

    public const string PropertyName = "NestedGroupLicensing";

    /// <summary>The current setting; null when no such tenant.</summary>
    public static Task<bool?> GetAsync(SkuldDb db, Guid tenantId, CancellationToken ct) =>
        db.Tenants.Where(t => t.Id == tenantId).Select(t => (bool?)t.NestedGroupLicensing).FirstOrDefaultAsync(ct);

    /// <summary>
    /// Sets the setting. A real change is audited and enqueues tenant-wide license work in the same
    /// transaction (the caller notifies the worker after); setting the current value changes, audits and
    /// enqueues nothing. Null when no such tenant. The flip is one conditional update, so of two
    /// concurrent identical requests exactly one is the change.
    /// </summary>
    public static async Task<NestedGroupLicensingSetting?> SetAsync(
        SkuldDb db, Guid tenantId, bool on, Actor actor, TimeProvider time, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var flipped = await db.Tenants
            .Where(t => t.Id == tenantId && t.NestedGroupLicensing != on)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.NestedGroupLicensing, on), ct);
        if (flipped == 0)
        {
            var exists = await db.Tenants.AnyAsync(t => t.Id == tenantId, ct);
            await transaction.CommitAsync(ct);
            return exists ? new NestedGroupLicensingSetting(on, Changed: false) : null;
        }

        var tenant = await db.Tenants.AsNoTracking().Where(t => t.Id == tenantId).Select(t => new { t.DisplayName }).FirstAsync(ct);
        var now = time.GetUtcNow();
        var correlationId = Guid.NewGuid();
        db.AuditEvents.Add(AuditRecord.Create(
            tenantId, actor, Activity, "DirectoryManagement", "Update", correlationId, now,
            [new AuditTarget(tenantId, "Directory", tenant.DisplayName, null,
                [new ModifiedProperty(PropertyName, AuditRecord.Value(!on), AuditRecord.Value(on))])]));
        LicenseWork.EnqueueTenant(db, tenantId, actor, correlationId, now);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return new NestedGroupLicensingSetting(on, Changed: true);
    }
}
