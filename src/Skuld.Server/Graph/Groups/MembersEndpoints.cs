using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Skuld.Server.Auth;
using Skuld.Server.Graph.Users;
using Skuld.Store;
using Skuld.Store.Audit;
using Skuld.Store.Directory;
using Skuld.Store.Processing;

namespace Skuld.Server.Graph.Groups;

/// <summary>
/// Graph v1.0 membership: a group's members (direct and transitive, add and remove by <c>$ref</c>) and
/// the groups a user or group belongs to.
/// </summary>
public static class MembersEndpoints
{
    public const string MemberAlreadyExists =
        "One or more added object references already exist for the following modified properties: 'members'.";

    public const string InvalidReference = "Invalid URL format specified in @odata.id for the navigation property 'members'.";

    public const string SelfMembership = "A group cannot be added as a member of itself.";

    public static void MapGroupMembers(this RouteGroupBuilder graph)
    {
        graph.MapGet("/groups/{id}/members", (string id, HttpContext http, SkuldDb db, CancellationToken ct) =>
            ListAsync(id, http, db, transitive: false, ct)).RequirePermission(Permission.ReadDirectory);
        graph.MapGet("/groups/{id}/transitiveMembers", (string id, HttpContext http, SkuldDb db, CancellationToken ct) =>
            ListAsync(id, http, db, transitive: true, ct)).RequirePermission(Permission.ReadDirectory);
        graph.MapPost("/groups/{id}/members/$ref", AddAsync).RequirePermission(Permission.ManageGroups);
        graph.MapDelete("/groups/{id}/members/{memberId}/$ref", RemoveAsync).RequirePermission(Permission.ManageGroups);

        graph.MapGet("/groups/{id}/memberOf", (string id, HttpContext http, SkuldDb db, CancellationToken ct) =>
            MemberOfAsync(id, MemberKind.Group, http, db, transitive: false, ct)).RequirePermission(Permission.ReadDirectory);
        graph.MapGet("/groups/{id}/transitiveMemberOf", (string id, HttpContext http, SkuldDb db, CancellationToken ct) =>
            MemberOfAsync(id, MemberKind.Group, http, db, transitive: true, ct)).RequirePermission(Permission.ReadDirectory);
        graph.MapGet("/users/{id}/memberOf", (string id, HttpContext http, SkuldDb db, CancellationToken ct) =>
            MemberOfAsync(id, MemberKind.User, http, db, transitive: false, ct)).RequirePermission(Permission.ReadDirectory);
        graph.MapGet("/users/{id}/transitiveMemberOf", (string id, HttpContext http, SkuldDb db, CancellationToken ct) =>
            MemberOfAsync(id, MemberKind.User, http, db, transitive: true, ct)).RequirePermission(Permission.ReadDirectory);
    }

    private static async Task<IResult> ListAsync(string id, HttpContext http, SkuldDb db, bool transitive, CancellationToken ct)
    {
        var caller = http.GetCaller();
        var group = await GroupLookup.FindAsync(db, caller.TenantId, id, ct);
        if (group is null)
        {
            return GroupsEndpoints.NotFound(id);
        }

        var members = transitive
            ? await Membership.TransitiveMembersAsync(db, caller.TenantId, group.Id, ct)
            : await db.GroupMembers.AsNoTracking()
                .Where(m => m.TenantId == caller.TenantId && m.GroupId == group.Id)
                .Select(m => new DirectoryObjectRef(m.MemberId, m.MemberKind))
                .ToListAsync(ct);
        return await DirectoryObjectPage.WriteAsync(http, db, caller.TenantId, "directoryObjects", members, ct);
    }

    private static async Task<IResult> MemberOfAsync(
        string id, MemberKind kind, HttpContext http, SkuldDb db, bool transitive, CancellationToken ct)
    {
        var caller = http.GetCaller();
        Guid? objectId = kind switch
        {
            MemberKind.User => (await UserLookup.FindAsync(db, caller.TenantId, id, ct))?.Id,
            MemberKind.Group => (await GroupLookup.FindAsync(db, caller.TenantId, id, ct))?.Id,
        };
        if (objectId is not { } found)
        {
            return kind == MemberKind.User ? GraphError.NotFound(id) : GroupsEndpoints.NotFound(id);
        }

        var groups = transitive
            ? await Membership.TransitiveGroupsOfAsync(db, caller.TenantId, found, ct)
            : await Membership.GroupsOfAsync(db, caller.TenantId, found, ct);
        return await DirectoryObjectPage.WriteAsync(
            http, db, caller.TenantId, "directoryObjects", [.. groups.Select(g => new DirectoryObjectRef(g, MemberKind.Group))], ct);
    }

    private static async Task<IResult> AddAsync(
        string id, HttpContext http, SkuldDb db, TimeProvider time, LicenseWorkSignal signal, CancellationToken ct)
    {
        var caller = http.GetCaller();
        var (body, readError) = await GraphJson.ReadObjectAsync(http.Request, ct);
        if (body is null)
        {
            return readError!; // ReadObjectAsync returns an error whenever it returns no body
        }

        var group = await GroupLookup.FindAsync(db, caller.TenantId, id, ct);
        if (group is null)
        {
            return GroupsEndpoints.NotFound(id);
        }

        if (ReadReference(body) is not { } memberId)
        {
            return GraphError.BadRequest(InvalidReference);
        }

        if (memberId == group.Id)
        {
            return GraphError.BadRequest(SelfMembership);
        }

        var member = await FindObjectAsync(db, caller.TenantId, memberId, ct);
        if (member is null)
        {
            return GraphError.NotFound(GraphJson.Id(memberId));
        }

        if (await db.GroupMembers.AnyAsync(m => m.TenantId == caller.TenantId && m.GroupId == group.Id && m.MemberId == memberId, ct))
        {
            return GraphError.BadRequest(MemberAlreadyExists);
        }

        var now = time.GetUtcNow();
        var correlationId = Guid.NewGuid();
        db.GroupMembers.Add(new GroupMember
        {
            TenantId = caller.TenantId,
            GroupId = group.Id,
            MemberId = memberId,
            MemberKind = member.Kind,
            AddedDateTime = now,
        });
        db.AuditEvents.Add(AuditRecord.Create(
            caller.TenantId, caller.Actor, "Add member to group", "GroupManagement", "Add", correlationId, now,
            MembershipTargets(group, member, added: true)));
        var affected = await AffectedUsersAsync(db, group, member, ct);
        if (affected.Count > 0)
        {
            LicenseWork.EnqueueUsers(db, caller.TenantId, affected, caller.Actor, correlationId, now);
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e is not DbUpdateConcurrencyException)
        {
            // Two requests raced to add the same member: the key refused the second.
            return GraphError.BadRequest(MemberAlreadyExists);
        }

        if (affected.Count > 0)
        {
            signal.Notify();
        }

        return Results.NoContent();
    }

    private static async Task<IResult> RemoveAsync(
        string id, string memberId, HttpContext http, SkuldDb db, TimeProvider time, LicenseWorkSignal signal, CancellationToken ct)
    {
        var caller = http.GetCaller();
        var group = await GroupLookup.FindAsync(db, caller.TenantId, id, ct);
        if (group is null)
        {
            return GroupsEndpoints.NotFound(id);
        }

        if (!Guid.TryParse(memberId, out var memberGuid))
        {
            return GraphError.BadRequest($"Invalid object identifier '{memberId}'.");
        }

        var row = await db.GroupMembers.FirstOrDefaultAsync(
            m => m.TenantId == caller.TenantId && m.GroupId == group.Id && m.MemberId == memberGuid, ct);
        var member = row is null ? null : await FindObjectAsync(db, caller.TenantId, memberGuid, ct);
        if (row is null || member is null)
        {
            return GraphError.NotFound(memberId);
        }

        var now = time.GetUtcNow();
        var correlationId = Guid.NewGuid();
        db.GroupMembers.Remove(row);
        db.AuditEvents.Add(AuditRecord.Create(
            caller.TenantId, caller.Actor, "Remove member from group", "GroupManagement", "Delete", correlationId, now,
            MembershipTargets(group, member, added: false)));
        var affected = await AffectedUsersAsync(db, group, member, ct);
        if (affected.Count > 0)
        {
            LicenseWork.EnqueueUsers(db, caller.TenantId, affected, caller.Actor, correlationId, now);
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Removed by a concurrent request first.
            return GraphError.NotFound(memberId);
        }

        if (affected.Count > 0)
        {
            signal.Notify();
        }

        return Results.NoContent();
    }

    /// <summary>
    /// The users whose group licenses a membership change can alter: a user joining or leaving a licensed
    /// group; with nested licensing, any user at or below the member, whatever group it joins or leaves.
    /// </summary>
    private static async Task<IReadOnlyCollection<Guid>> AffectedUsersAsync(SkuldDb db, Group group, DirectoryObject member, CancellationToken ct)
    {
        var nested = await db.Tenants.Where(t => t.Id == group.TenantId).Select(t => t.NestedGroupLicensing).FirstAsync(ct);
        return member.Kind switch
        {
            MemberKind.User when nested || await db.GroupLicenses.AnyAsync(l => l.TenantId == group.TenantId && l.GroupId == group.Id, ct) =>
                [member.Id],
            MemberKind.Group when nested => await Membership.TransitiveUserIdsAsync(db, group.TenantId, member.Id, ct),
            _ => [],
        };
    }

    /// <summary>The object id named by a <c>$ref</c> body's <c>@odata.id</c> (any host; directoryObjects, users or groups), or null.</summary>
    public static Guid? ReadReference(JsonObject body)
    {
        if (body.Any(p => p.Key != "@odata.id" && !GraphJson.IsAnnotation(p.Key))
            || body["@odata.id"] is not JsonValue value || value.GetValueKind() != JsonValueKind.String
            || !Uri.TryCreate(value.GetValue<string>(), UriKind.RelativeOrAbsolute, out var uri))
        {
            return null;
        }

        var path = uri.IsAbsoluteUri ? uri.AbsolutePath : uri.OriginalString.Split('?')[0];
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments is [.., var collection, var last]
            && collection is "directoryObjects" or "users" or "groups"
            && Guid.TryParse(last, out var id)
                ? id
                : null;
    }

    private sealed record DirectoryObject(Guid Id, MemberKind Kind, string? DisplayName, string? UserPrincipalName);

    private static async Task<DirectoryObject?> FindObjectAsync(SkuldDb db, Guid tenantId, Guid id, CancellationToken ct) =>
        await db.Users.AsNoTracking()
            .Where(u => u.TenantId == tenantId && u.Id == id)
            .Select(u => new DirectoryObject(u.Id, MemberKind.User, u.DisplayName, u.UserPrincipalName))
            .FirstOrDefaultAsync(ct)
        ?? await db.Groups.AsNoTracking()
            .Where(g => g.TenantId == tenantId && g.Id == id)
            .Select(g => new DirectoryObject(g.Id, MemberKind.Group, g.DisplayName, null))
            .FirstOrDefaultAsync(ct);

    /// <summary>As Entra records it: the member is the target, with the group's id and name as modified properties; then the group.</summary>
    private static AuditTarget[] MembershipTargets(Group group, DirectoryObject member, bool added)
    {
        string? Value(string text) => added ? AuditRecord.Value(text) : null;
        string? Old(string text) => added ? null : AuditRecord.Value(text);
        return
        [
            new AuditTarget(member.Id, member.Kind.ToString(), member.DisplayName, member.UserPrincipalName,
            [
                new ModifiedProperty("Group.ObjectID", Old(GraphJson.Id(group.Id)), Value(GraphJson.Id(group.Id))),
                new ModifiedProperty("Group.DisplayName", Old(group.DisplayName), Value(group.DisplayName)),
            ]),
            GroupsEndpoints.Target(group, []),
        ];
    }
}
