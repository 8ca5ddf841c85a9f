using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Skuld.Server.Auth;
using Skuld.Server.Graph.Query;
using Skuld.Store;
using Skuld.Store.Audit;
using Skuld.Licensing.Engine;
using Skuld.Store.Directory;
using Skuld.Store.Recipients;
using Skuld.Store.Processing;

namespace Skuld.Server.Graph.Groups;

/// <summary>Graph v1.0 groups: list, read, create, update, delete; members and licenses are mapped here too.</summary>
public static class GroupsEndpoints
{
    // Entra refuses these too (reference §1.6, §2) but its exact texts are not published: ours, worded plainly.
    public const string LicensedGroupDeleteRefused =
        "The group cannot be deleted because it has licenses assigned. Remove the licenses from the group first.";

    public const string LicensedGroupMustStaySecurityEnabled =
        "The group has licenses assigned and must stay security-enabled. Remove the licenses from the group first.";

    public static void MapGroups(this RouteGroupBuilder graph)
    {
        graph.MapGet("/groups", ListAsync).RequirePermission(Permission.ReadDirectory);
        graph.MapGet("/groups/{id}", GetAsync).RequirePermission(Permission.ReadDirectory);
        graph.MapPost("/groups", CreateAsync).RequirePermission(Permission.ManageGroups);
        graph.MapPatch("/groups/{id}", UpdateAsync).RequirePermission(Permission.ManageGroups);
        graph.MapDelete("/groups/{id}", DeleteAsync).RequirePermission(Permission.ManageGroups);
        graph.MapGroupMembers();
        graph.MapGroupLicenses();
    }

    /// <summary>Graph's answer when <paramref name="id"/> names no group of the caller's tenant.</summary>
    public static GraphError NotFound(string id) =>
        Guid.TryParse(id, out _) ? GraphError.NotFound(id) : GraphError.BadRequest($"Invalid object identifier '{id}'.");

    private static async Task<IResult> ListAsync(HttpContext http, SkuldDb db, CancellationToken ct)
    {
        var caller = http.GetCaller();
        var query = CollectionQueryParser.Parse(http.Request, GroupResource.Instance);
        if (query.Error is { } error)
        {
            return error;
        }

        var options = query.Value!; // Parse returns a value whenever it returns no error
        var page = await CollectionQueryExecutor.ExecuteAsync(options, db.Groups.Where(g => g.TenantId == caller.TenantId), db, ct);
        var selected = options.Selection.Properties;
        var licenses = GroupJson.NeedsLicenses(selected)
            ? (await LicensesOfAsync(db, caller.TenantId, [.. page.Items.Select(g => g.Id)], ct))
            : null;
        var items = page.Items.Select(g => GroupJson.Write(g, selected, licenses?[g.Id] ?? []));
        return GraphJson.Ok(GraphJson.Collection("groups", items, page.Count, page.NextLink));
    }

    private static async Task<ILookup<Guid, Store.Licensing.GroupLicense>> LicensesOfAsync(
        SkuldDb db, Guid tenantId, IReadOnlyCollection<Guid> groupIds, CancellationToken ct) =>
        (await db.GroupLicenses.AsNoTracking()
            .Where(l => l.TenantId == tenantId && groupIds.Contains(l.GroupId))
            .ToListAsync(ct))
            .ToLookup(l => l.GroupId);

    private static async Task<IResult> GetAsync(string id, HttpContext http, SkuldDb db, CancellationToken ct)
    {
        var caller = http.GetCaller();
        var group = await GroupLookup.FindAsync(db, caller.TenantId, id, ct);
        return group is null ? NotFound(id) : await WriteOneAsync(http, db, group, ct);
    }

    /// <summary>One group as Graph returns it, honouring <c>$select</c> (validated like the collection's).</summary>
    private static async Task<IResult> WriteOneAsync(HttpContext http, SkuldDb db, Group group, CancellationToken ct)
    {
        var query = CollectionQueryParser.Parse(http.Request, GroupResource.Instance);
        if (query.Error is { } error)
        {
            return error;
        }

        var selection = query.Value!.Selection.Properties; // Parse returns a value whenever it returns no error
        var licenses = GroupJson.NeedsLicenses(selection) ? await GroupLookup.LicensesAsync(db, group.TenantId, group.Id, ct) : [];
        var body = new JsonObject { ["@odata.context"] = GraphJson.ContextBase + "groups/$entity" };
        foreach (var (name, value) in GroupJson.Write(group, selection, licenses).ToList())
        {
            body[name] = value?.DeepClone();
        }

        return GraphJson.Ok(body);
    }

    private static async Task<IResult> CreateAsync(HttpContext http, SkuldDb db, TimeProvider time, CancellationToken ct)
    {
        var caller = http.GetCaller();
        var (input, inputError) = await GraphJson.ReadAsync(http.Request, b => GroupInput.Read(b, creating: true), ct);
        if (input is null)
        {
            return inputError!; // ReadAsync returns an error whenever it returns no value
        }

        var tenant = await db.Tenants.AsNoTracking().FirstAsync(t => t.Id == caller.TenantId, ct);
        var now = time.GetUtcNow();
        var group = new Group
        {
            TenantId = tenant.Id,
            Id = Guid.NewGuid(),
            DisplayName = (string)input.Values["displayName"]!, // required on create
            MailNickname = (string)input.Values["mailNickname"]!, // required on create
            CreatedDateTime = now,
        };
        var changes = input.ApplyTo(group);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (group.MailEnabled)
        {
            // A Microsoft 365 group is a recipient: its address is its alias at the tenant's domain.
            var address = $"{group.MailNickname}@{tenant.Domain}";
            group.Mail = address;
            group.ProxyAddresses = [$"SMTP:{address}"];
            if (await RecipientAddresses.FindConflictAsync(db, tenant.Id, group.Id, group.ProxyAddresses, ct) is not null)
            {
                return GraphError.BadRequest(DirectFailureMessages.ProxyAddressInUse);
            }
        }

        db.Groups.Add(group);
        db.AuditEvents.Add(AuditRecord.Create(
            tenant.Id, caller.Actor, "Add group", "GroupManagement", "Add", Guid.NewGuid(), now, [Target(group, changes)]));
        try
        {
            await db.SaveChangesAsync(ct);
            await RecipientAddresses.WriteAsync(db, tenant.Id, [new RecipientWrite(group.Id, RecipientType.Group, group.Mail, group.ProxyAddresses)], updateOwners: false, ct);
        }
        catch (Exception e) when (RecipientAddresses.IsAddressClash(e))
        {
            // Another request took the address after the check: the unique index decided.
            return GraphError.BadRequest(DirectFailureMessages.ProxyAddressInUse);
        }

        await transaction.CommitAsync(ct);

        http.Response.Headers.Location = $"{http.Request.Scheme}://{http.Request.Host}/v1.0/groups/{GraphJson.Id(group.Id)}";
        var json = GroupJson.Write(group, GroupResource.DefaultProperties, []);
        json.Insert(0, "@odata.context", GraphJson.ContextBase + "groups/$entity");
        return GraphJson.Ok(json, StatusCodes.Status201Created);
    }

    private static async Task<IResult> UpdateAsync(string id, HttpContext http, SkuldDb db, TimeProvider time, CancellationToken ct)
    {
        var caller = http.GetCaller();
        var (input, inputError) = await GraphJson.ReadAsync(http.Request, b => GroupInput.Read(b, creating: false), ct);
        if (input is null)
        {
            return inputError!; // ReadAsync returns an error whenever it returns no value
        }

        var group = await GroupLookup.FindAsync(db, caller.TenantId, id, ct, tracked: true);
        if (group is null)
        {
            return NotFound(id);
        }

        // Only security-enabled groups may hold licenses (reference §2, eligible groups).
        if (input.Values.TryGetValue("securityEnabled", out var security) && security is false
            && await db.GroupLicenses.AnyAsync(l => l.TenantId == group.TenantId && l.GroupId == group.Id, ct))
        {
            return GraphError.BadRequest(LicensedGroupMustStaySecurityEnabled);
        }

        var changes = input.ApplyTo(group);
        if (changes.Count > 0)
        {
            group.Version++;
            db.AuditEvents.Add(AuditRecord.Create(
                caller.TenantId, caller.Actor, "Update group", "GroupManagement", "Update", Guid.NewGuid(), time.GetUtcNow(),
                [Target(group, changes)]));
            await db.SaveChangesAsync(ct);
        }

        return Results.NoContent();
    }

    private static async Task<IResult> DeleteAsync(
        string id, HttpContext http, SkuldDb db, TimeProvider time, LicenseWorkSignal signal, CancellationToken ct)
    {
        var caller = http.GetCaller();
        var group = await GroupLookup.FindAsync(db, caller.TenantId, id, ct);
        if (group is null)
        {
            return NotFound(id);
        }

        var nested = await db.Tenants.Where(t => t.Id == caller.TenantId).Select(t => t.NestedGroupLicensing).FirstAsync(ct);
        // With nested licensing, users below this group may inherit through it: they are re-evaluated.
        var inheriting = nested ? await Membership.TransitiveUserIdsAsync(db, caller.TenantId, group.Id, ct) : [];

        // Not committed (so rolled back) when the group turns out to hold licenses.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.GroupMembers
            .Where(m => m.TenantId == group.TenantId && (m.GroupId == group.Id || m.MemberId == group.Id))
            .ExecuteDeleteAsync(ct);
        // The check and the delete are one statement, so a license assigned meanwhile is never orphaned.
        var deleted = await db.Groups
            .Where(g => g.TenantId == group.TenantId && g.Id == group.Id
                && !db.GroupLicenses.Any(l => l.TenantId == g.TenantId && l.GroupId == g.Id))
            .ExecuteDeleteAsync(ct);
        if (deleted == 0)
        {
            return await db.Groups.AnyAsync(g => g.TenantId == group.TenantId && g.Id == group.Id, ct)
                ? GraphError.BadRequest(LicensedGroupDeleteRefused)
                : NotFound(id);
        }

        await RecipientAddresses.DeleteObjectAsync(db, group.TenantId, group.Id, ct);
        var now = time.GetUtcNow();
        var correlationId = Guid.NewGuid();
        db.AuditEvents.Add(AuditRecord.Create(
            caller.TenantId, caller.Actor, "Delete group", "GroupManagement", "Delete", correlationId, now, [Target(group, [])]));
        if (inheriting.Count > 0)
        {
            LicenseWork.EnqueueUsers(db, caller.TenantId, inheriting, caller.Actor, correlationId, now);
        }

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        if (inheriting.Count > 0)
        {
            signal.Notify();
        }

        return Results.NoContent();
    }

    public static AuditTarget Target(Group group, IReadOnlyList<(string Name, object? Old, object? New)> changes) => new(
        group.Id, "Group", group.DisplayName, null,
        [.. changes.Select(c => new ModifiedProperty(Pascal(c.Name), AuditRecord.Value(c.Old), AuditRecord.Value(c.New)))]);

    // Entra's audit names properties in PascalCase (DisplayName, SecurityEnabled).
    private static string Pascal(string name) => char.ToUpperInvariant(name[0]) + name[1..];
}
