using Skuld.Store;
using Skuld.Store.Directory;

namespace Skuld.Server.Graph.Query;

/// <summary>The query options of <c>GET /v1.0/users</c>: parse, then execute against the tenant's users.</summary>
public static class UserQuery
{
    public static QueryResult<CollectionQuery<User>> Parse(HttpRequest request) =>
        CollectionQueryParser.Parse(request, UserResource.Instance);

    /// <param name="tenantUsers"><c>db.Users.Where(u =&gt; u.TenantId == tenantId)</c>.</param>
    public static Task<Page<User>> ExecuteAsync(
        CollectionQuery<User> query, IQueryable<User> tenantUsers, SkuldDb db, CancellationToken cancellationToken) =>
        CollectionQueryExecutor.ExecuteAsync(query, tenantUsers, db, cancellationToken);
}
