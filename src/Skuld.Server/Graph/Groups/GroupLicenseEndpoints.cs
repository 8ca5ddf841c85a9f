using System.Collections.Immutable;
using Microsoft.EntityFrameworkCore;
using Skuld.Licensing.Catalogue;
using Skuld.Licensing.Engine;
using Skuld.Server.Auth;
using Skuld.Server.Graph.Query;
using Skuld.Server.Graph.Users;
using Skuld.Store;
using Skuld.Store.Audit;
using Skuld.Store.Directory;
using Skuld.Store.Processing;
using Skuld.Store.Licensing;
using GroupLicense = Skuld.Store.Licensing.GroupLicense;

namespace Skuld.Server.Graph.Groups;

/// <summary>
/// Graph v1.0 group-based licensing: a group's <c>assignLicense</c> (202: members are processed by the
/// worker), its members in error, and a user's <c>reprocessLicenseAssignment</c>.
/// </summary>
public static class GroupLicenseEndpoints
{
    /// <summary>Graph's text for this case is not published; worded like its neighbours.</summary>
    public const string NotSecurityEnabled = "Licenses can only be assigned to security-enabled groups.";

    public static void MapGroupLicenses(this RouteGroupBuilder graph)
    {
        graph.MapPost("/groups/{id}/assignLicense", AssignAsync).RequirePermission(Permission.ManageGroupLicenses);
        graph.MapGet("/groups/{id}/membersWithLicenseErrors", MembersWithErrorsAsync).RequirePermission(Permission.ReadDirectory);
        graph.MapPost("/users/{id}/reprocessLicenseAssignment", ReprocessUserAsync).RequirePermission(Permission.ManageUserLicenses);
    }

    private static async Task<IResult> AssignAsync(
        string id, HttpContext http, SkuldDb db, TimeProvider time, LicenseWorkSignal signal, CancellationToken ct)
    {
        var caller = http.GetCaller();
        var (request, requestError) = await GraphJson.ReadAsync(http.Request, AssignLicenseRequest.Read, ct);
        if (request is null)
        {
            return requestError!; // ReadAsync returns an error whenever it returns no value
        }

        var group = await GroupLookup.FindAsync(db, caller.TenantId, id, ct);
        if (group is null)
        {
            return GroupsEndpoints.NotFound(id);
        }

        var tenant = await LicenseSnapshots.LoadTenantAsync(db, caller.TenantId, ct)
            ?? throw new InvalidOperationException($"Tenant {caller.TenantId} of an authenticated caller does not exist.");
        if (Refusal(tenant, request.Add) is { } failure)
        {
            return LicenseEndpoints.ToGraph(failure);
        }

        if (!group.SecurityEnabled && request.Add.Length > 0)
        {
            return GraphError.BadRequest(NotSecurityEnabled);
        }

        var now = time.GetUtcNow();
        var correlationId = Guid.NewGuid();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Bump the version first: it locks the group's row (PostgreSQL), so two changes of one group's
        // licenses run one after the other, and a delete cannot slip between.
        var found = await db.Groups
            .Where(g => g.TenantId == caller.TenantId && g.Id == group.Id)
            .ExecuteUpdateAsync(s => s
                .SetProperty(g => g.Version, g => g.Version + 1)
                .SetProperty(g => g.LicenseProcessingState, LicenseProcessingState.QueuedForProcessing), ct);
        if (found == 0)
        {
            return GroupsEndpoints.NotFound(id);
        }

        var rows = await db.GroupLicenses.Where(l => l.TenantId == caller.TenantId && l.GroupId == group.Id).ToListAsync(ct);
        var before = rows.OrderBy(r => r.SkuId).Select(Snapshot).ToList();
        Apply(db, caller.TenantId, group.Id, rows, request, tenant, now);
        var after = rows.Where(r => db.Entry(r).State != EntityState.Deleted).OrderBy(r => r.SkuId).Select(Snapshot).ToList();

        db.AuditEvents.Add(AuditRecord.Create(
            caller.TenantId, caller.Actor, "Set group license", "GroupManagement", "Update", correlationId, now,
            [GroupsEndpoints.Target(group, [("assignedLicenses", before, after)])]));
        LicenseWork.EnqueueGroup(db, caller.TenantId, group.Id, caller.Actor, correlationId, now);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        signal.Notify();

        db.ChangeTracker.Clear();
        // The change is committed; a DELETE may still have removed the group since.
        var updated = await db.Groups.AsNoTracking().FirstOrDefaultAsync(g => g.TenantId == caller.TenantId && g.Id == group.Id, ct);
        if (updated is null)
        {
            return GraphError.NotFound(id);
        }

        var licenses = await GroupLookup.LicensesAsync(db, caller.TenantId, group.Id, ct);
        var json = GroupJson.Write(updated, [.. GroupResource.DefaultProperties, "assignedLicenses"], licenses);
        json.Insert(0, "@odata.context", GraphJson.ContextBase + "groups/$entity");
        // Graph's location names the group in its internal v2 path; here the group's own URL, which resolves.
        http.Response.Headers.Location = $"{http.Request.Scheme}://{http.Request.Host}/v1.0/groups/{GraphJson.Id(group.Id)}";
        return GraphJson.Ok(json, StatusCodes.Status202Accepted);
    }

    /// <summary>
    /// What is checked when the group's intent is stored, as for a user's assignLicense: the SKU is the
    /// tenant's and for users, its disabledPlans are its own. Everything that depends on a member
    /// (location, seats, plan conflicts) is the worker's, through the engine.
    /// </summary>
    private static DirectFailure? Refusal(TenantSnapshot tenant, ImmutableArray<LicenseRequest> add)
    {
        foreach (var license in add)
        {
            if (!tenant.Skus.TryGetValue(license.SkuId, out var stock))
            {
                return new DirectFailure(DirectFailureCode.UnknownSku, license.SkuId, [], null);
            }

            if (stock.Product.AppliesTo != AppliesTo.User)
            {
                return new DirectFailure(DirectFailureCode.NotAssignableToUser, license.SkuId, [], null);
            }

            ImmutableArray<Guid> foreign = [.. license.DisabledPlans.Where(p => !stock.Product.HasPlan(p))];
            if (foreign.Length > 0)
            {
                return new DirectFailure(DirectFailureCode.DisabledPlanNotInSku, license.SkuId, foreign, null);
            }
        }

        return null;
    }

    /// <summary>Removes first, then adds (an added SKU replaces its disabledPlans), as assignLicense does for users.</summary>
    private static void Apply(
        SkuldDb db, Guid tenantId, Guid groupId, List<GroupLicense> rows, AssignLicenseRequest request, TenantSnapshot tenant, DateTimeOffset now)
    {
        foreach (var row in rows.Where(r => request.Remove.Contains(r.SkuId) && !request.Add.Any(a => a.SkuId == r.SkuId)))
        {
            db.GroupLicenses.Remove(row);
        }

        // The last entry of a SKU listed twice wins; disabled plans are kept in product order.
        foreach (var license in request.Add.GroupBy(a => a.SkuId).Select(g => g.Last()))
        {
            var product = tenant.Skus[license.SkuId].Product;
            List<Guid> disabled = [.. product.Plans.Select(p => p.Id).Where(license.DisabledPlans.Contains)];
            if (rows.FirstOrDefault(r => r.SkuId == license.SkuId) is { } existing)
            {
                existing.DisabledPlans = disabled;
                continue;
            }

            var row = new GroupLicense { TenantId = tenantId, GroupId = groupId, SkuId = license.SkuId, DisabledPlans = disabled, AssignedDateTime = now };
            rows.Add(row);
            db.GroupLicenses.Add(row);
        }
    }

    private static object Snapshot(GroupLicense row) => new { skuId = row.SkuId, disabledPlans = row.DisabledPlans.ToList() };

    private static async Task<IResult> MembersWithErrorsAsync(string id, HttpContext http, SkuldDb db, CancellationToken ct)
    {
        var caller = http.GetCaller();
        var group = await GroupLookup.FindAsync(db, caller.TenantId, id, ct);
        if (group is null)
        {
            return GroupsEndpoints.NotFound(id);
        }

        var users = await db.LicenseAssignments.AsNoTracking()
            .Where(a => a.TenantId == caller.TenantId && a.SourceId == group.Id
                && (a.State == LicenseState.Error || a.Error != LicenseError.None))
            .Select(a => a.UserId)
            .Distinct()
            .ToListAsync(ct);
        return await DirectoryObjectPage.WriteAsync(
            http, db, caller.TenantId, "directoryObjects", [.. users.Select(u => new DirectoryObjectRef(u, MemberKind.User))], ct);
    }

    /// <summary>
    /// Re-evaluates the user against all their licensed groups, through the worker. The answer is the
    /// user as it is now; the outcome shows in licenseAssignmentStates once processed.
    /// </summary>
    private static async Task<IResult> ReprocessUserAsync(
        string id, HttpContext http, SkuldDb db, TimeProvider time, LicenseWorkSignal signal, CancellationToken ct)
    {
        var caller = http.GetCaller();
        var user = await UserLookup.FindAsync(db, caller.TenantId, id, ct);
        if (user is null)
        {
            return GraphError.NotFound(id);
        }

        LicenseWork.EnqueueUsers(db, caller.TenantId, [user.Id], caller.Actor, Guid.NewGuid(), time.GetUtcNow());
        await db.SaveChangesAsync(ct);
        signal.Notify();

        var licenses = (await UserLicensesLoader.LoadAsync(db, caller.TenantId, [user.Id], ct))[user.Id];
        var json = UserJson.Write(user, [.. UserJson.DefaultProperties, "assignedLicenses"], licenses);
        json.Insert(0, "@odata.context", GraphJson.ContextBase + "users/$entity");
        return GraphJson.Ok(json);
    }
}
