using Microsoft.EntityFrameworkCore;
using Skuld.Server.Auth;
using Skuld.Server.Graph.Query;
using Skuld.Store;

namespace Skuld.Server.Graph.Audit;

/// <summary>
/// Graph v1.0 directory audit logs: <c>GET /auditLogs/directoryAudits</c> with <c>$filter</c>,
/// <c>$orderby</c> (activityDateTime, newest first by default), <c>$top</c> and paging, and one event by id.
/// </summary>
public static class DirectoryAuditsEndpoints
{
    public static void MapDirectoryAudits(this RouteGroupBuilder graph)
    {
        graph.MapGet("/auditLogs/directoryAudits", ListAsync).RequirePermission(Permission.ReadAuditLogs);
        graph.MapGet("/auditLogs/directoryAudits/{id}", GetAsync).RequirePermission(Permission.ReadAuditLogs);
    }

    private static async Task<IResult> ListAsync(HttpContext http, SkuldDb db, CancellationToken ct)
    {
        var caller = http.GetCaller();
        var query = AuditQuery.Parse(http.Request);
        if (query.Error is { } error)
        {
            return error;
        }

        var options = query.Value!; // Parse returns a value whenever it returns no error
        var page = await AuditQuery.ExecuteAsync(options, db.AuditEvents.AsNoTracking().Where(e => e.TenantId == caller.TenantId), db, ct);
        var items = page.Items.Select(e => DirectoryAuditJson.Write(e, options.Selection.Properties));
        return GraphJson.Ok(GraphJson.Collection("auditLogs/directoryAudits", items, page.Count, page.NextLink));
    }

    private static async Task<IResult> GetAsync(string id, HttpContext http, SkuldDb db, CancellationToken ct)
    {
        var caller = http.GetCaller();
        // The same parser as the collection, so $select is validated identically.
        var query = AuditQuery.Parse(http.Request);
        if (query.Error is { } error)
        {
            return error;
        }

        // Another tenant's event does not exist for the caller: the same 404 as an unknown id.
        var eventId = DirectoryAuditJson.ParseId(id);
        var found = eventId is { } key
            ? await db.AuditEvents.AsNoTracking().FirstOrDefaultAsync(e => e.TenantId == caller.TenantId && e.Id == key, ct)
            : null;
        if (found is null)
        {
            return GraphError.NotFound(id);
        }

        var body = DirectoryAuditJson.Write(found, query.Value!.Selection.Properties); // Parse returns a value whenever it returns no error
        body.Insert(0, "@odata.context", GraphJson.ContextBase + "auditLogs/directoryAudits/$entity");
        return GraphJson.Ok(body);
    }
}
