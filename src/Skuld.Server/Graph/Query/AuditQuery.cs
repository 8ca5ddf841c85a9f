using Skuld.Store;
using Skuld.Store.Audit;

namespace Skuld.Server.Graph.Query;

/// <summary>The query options of <c>GET /v1.0/auditLogs/directoryAudits</c>: parse, then execute against the tenant's events.</summary>
public static class AuditQuery
{
    public static QueryResult<CollectionQuery<AuditEvent>> Parse(HttpRequest request) =>
        CollectionQueryParser.Parse(request, AuditResource.Instance);

    /// <param name="tenantEvents"><c>db.AuditEvents.Where(e =&gt; e.TenantId == tenantId)</c>.</param>
    public static Task<Page<AuditEvent>> ExecuteAsync(
        CollectionQuery<AuditEvent> query, IQueryable<AuditEvent> tenantEvents, SkuldDb db, CancellationToken cancellationToken) =>
        CollectionQueryExecutor.ExecuteAsync(query, tenantEvents, db, cancellationToken);
}
