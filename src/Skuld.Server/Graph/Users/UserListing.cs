using Skuld.Server.Auth;
using Skuld.Server.Graph.Query;
using Skuld.Store;

namespace Skuld.Server.Graph.Users;

/// <summary><c>GET /v1.0/users</c> with <c>$select</c>, <c>$filter</c>, <c>$top</c>, <c>$count</c> and paging.</summary>
public static class UserListing
{
    public static async Task<IResult> ListAsync(HttpContext http, SkuldDb db, CancellationToken ct)
    {
        var caller = http.GetCaller();
        var query = UserQuery.Parse(http.Request);
        if (query.Error is { } error)
        {
            return error;
        }

        var options = query.Value!; // Parse returns a value whenever it returns no error
        var page = await UserQuery.ExecuteAsync(options, db.Users.Where(u => u.TenantId == caller.TenantId), db, ct);
        var selected = options.Selection.Properties;
        var licenses = UserJson.NeedsLicenses(selected)
            ? await UserLicensesLoader.LoadAsync(db, caller.TenantId, [.. page.Items.Select(u => u.Id)], ct)
            : null;
        var items = page.Items.Select(u => UserJson.Write(u, selected, licenses?[u.Id] ?? UserLicenses.None));
        return GraphJson.Ok(GraphJson.Collection("users", items, page.Count, page.NextLink));
    }
}
