using System.Collections.Immutable;
using Microsoft.EntityFrameworkCore;
using Skuld.Licensing.Engine;
using Skuld.Store.Audit;
using Skuld.Store.Directory;
using Skuld.Store.Recipients;

namespace Skuld.Store.Licensing;

/// <summary>
/// A direct license change (Graph's user assignLicense), evaluated by the engine and written in one
/// transaction, answered synchronously.
/// </summary>
public static class DirectLicensing
{
    /// <summary>
    /// Adds and removes the user's direct licenses, all or nothing. Seats are taken with conditional
    /// updates of the tenant's seat counters, so no number of concurrent requests can take more seats
    /// than are enabled. A refusal is stored as a failed <c>Change user license</c> audit event.
    /// Use a context that is not tracking this user.
    /// </summary>
    public static async Task<DirectLicenseResult> AssignAsync(
        SkuldDb db,
        Guid tenantId,
        Guid userId,
        ImmutableArray<LicenseRequest> add,
        ImmutableArray<Guid> remove,
        Actor actor,
        Guid correlationId,
        TimeProvider time,
        CancellationToken ct)
    {
        var (result, user) = await TryApplyAsync(db, tenantId, userId, add, remove, actor, correlationId, time, ct);
        if (result is DirectLicenseResult.Refused refused && user is not null)
        {
            // The change's transaction is rolled back; the failure gets its own small one.
            db.ChangeTracker.Clear();
            db.AuditEvents.Add(LicenseAuditTrail.Refused(tenantId, user, refused.Failure, refused.Conflict, actor, correlationId, time.GetUtcNow()));
            await db.SaveChangesAsync(ct);
        }

        return result;
    }

    private static async Task<(DirectLicenseResult Result, User? User)> TryApplyAsync(
        SkuldDb db, Guid tenantId, Guid userId,
        ImmutableArray<LicenseRequest> add, ImmutableArray<Guid> remove,
        Actor actor, Guid correlationId, TimeProvider time, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);

        // Bump the version first: it locks the user's row until commit (PostgreSQL), so concurrent
        // changes to one user run one after the other and each reads the other's result.
        // On SQLite the IMMEDIATE transaction already serialises writers.
        var found = await db.Users
            .Where(u => u.TenantId == tenantId && u.Id == userId)
            .ExecuteUpdateAsync(s => s.SetProperty(u => u.Version, u => u.Version + 1), ct);
        var tenant = found == 0 ? null : await LicenseSnapshots.LoadTenantAsync(db, tenantId, ct);
        if (tenant is null)
        {
            return (new DirectLicenseResult.UserNotFound(), null);
        }

        var user = await db.Users.AsNoTracking().SingleAsync(u => u.TenantId == tenantId && u.Id == userId, ct);
        var rows = await db.LicenseAssignments
            .Where(a => a.TenantId == tenantId && a.UserId == userId)
            .ToListAsync(ct);
        var before = rows.Select(LicenseSnapshots.ToState).OrderBy(a => a.SkuId).ThenBy(a => a.AssignedByGroup).ToImmutableArray();

        // Proxy addresses (reference §5): a mailbox for this user would take its UPN as an address.
        var proxyConflict = await MailboxProxies.UpnConflictAsync(db, tenantId, userId, user.UserPrincipalName, ct);
        switch (LicenseEngine.AssignDirect(tenant, new UserSnapshot(userId, user.UsageLocation, before), add, remove, proxyConflict is not null))
        {
            case DirectOutcome.Refused refused:
                return (new DirectLicenseResult.Refused(refused.Failure, refused.Failure.Code == DirectFailureCode.ProxyAddressInUse ? proxyConflict : null), user);

            case DirectOutcome.Applied applied:
                if (await TakeSeatsAsync(db, tenantId, applied.SeatChanges, ct) is { } fullSku)
                {
                    return (new DirectLicenseResult.Refused(new DirectFailure(DirectFailureCode.NoAvailableLicenses, fullSku, [], user.UsageLocation)), user);
                }

                var at = time.GetUtcNow();
                WriteDirectRows(db, tenantId, userId, rows, applied.Assignments, at);
                db.AuditEvents.AddRange(LicenseAuditTrail.Changed(
                    tenantId, user, tenant,
                    LicenseEngine.Effective(tenant, before), LicenseEngine.Effective(tenant, applied.Assignments),
                    actor, correlationId, at));
                await db.SaveChangesAsync(ct);
                var hasMailbox = LicenseEngine.HasMailbox(tenant, applied.Assignments);
                if (hasMailbox != LicenseEngine.HasMailbox(tenant, before))
                {
                    try
                    {
                        await MailboxProxies.ApplyAsync(db, tenantId, [(userId, hasMailbox)], ct);
                    }
                    catch (Exception e) when (RecipientAddresses.IsAddressClash(e))
                    {
                        // Another request took the address after the check above; the index refused it.
                        await transaction.RollbackAsync(ct);
                        db.ChangeTracker.Clear();
                        var conflict = await MailboxProxies.UpnConflictAsync(db, tenantId, userId, user.UserPrincipalName, ct);
                        var failure = new DirectFailure(DirectFailureCode.ProxyAddressInUse, null, [], user.UsageLocation);
                        return (new DirectLicenseResult.Refused(failure, conflict), user);
                    }
                }

                await transaction.CommitAsync(ct);
                return (new DirectLicenseResult.Applied(applied.Assignments), user);

            default:
                throw new InvalidOperationException($"Unknown engine outcome {nameof(DirectOutcome)}.");
        }
    }

    /// <summary>Applies the seat changes; returns the SKU that had no free seat (the caller rolls back), or null.</summary>
    private static async Task<Guid?> TakeSeatsAsync(SkuldDb db, Guid tenantId, ImmutableArray<SeatChange> changes, CancellationToken ct)
    {
        // One order for all writers, so two requests on the same SKUs cannot deadlock on PostgreSQL.
        foreach (var change in changes.Where(c => c.Delta != 0).OrderBy(c => c.SkuId))
        {
            var skus = db.TenantSkus.Where(s => s.TenantId == tenantId && s.SkuId == change.SkuId);
            if (change.Delta > 0)
            {
                // The check and the write are one statement: the database decides, never a value read earlier.
                skus = skus.Where(s => s.ConsumedUnits + change.Delta <= s.EnabledUnits);
            }

            var updated = await skus.ExecuteUpdateAsync(s => s.SetProperty(t => t.ConsumedUnits, t => t.ConsumedUnits + change.Delta), ct);
            if (updated == 0)
            {
                return change.SkuId;
            }
        }

        return null;
    }

    /// <summary>Makes the user's direct rows match the engine's result; group rows are left to group processing.</summary>
    private static void WriteDirectRows(
        SkuldDb db, Guid tenantId, Guid userId,
        List<LicenseAssignment> rows, ImmutableArray<AssignmentState> assignments, DateTimeOffset at)
    {
        var wanted = assignments.Where(a => a.IsDirect).ToDictionary(a => a.SkuId);
        foreach (var row in rows.Where(r => r.SourceId == LicenseAssignment.Direct))
        {
            if (!wanted.Remove(row.SkuId, out var state))
            {
                db.LicenseAssignments.Remove(row);
                continue;
            }

            if (!row.DisabledPlans.SequenceEqual(state.DisabledPlans) || row.State != state.State || row.Error != state.Error)
            {
                row.DisabledPlans = [.. state.DisabledPlans];
                row.State = state.State;
                row.Error = state.Error;
                row.LastUpdatedDateTime = at;
            }
        }

        db.LicenseAssignments.AddRange(wanted.Values.Select(state => new LicenseAssignment
        {
            TenantId = tenantId,
            UserId = userId,
            SkuId = state.SkuId,
            SourceId = LicenseAssignment.Direct,
            DisabledPlans = [.. state.DisabledPlans],
            State = state.State,
            Error = state.Error,
            AssignedDateTime = at,
            LastUpdatedDateTime = at,
        }));
    }
}
