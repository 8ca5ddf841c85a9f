using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.EntityFrameworkCore;
using Skuld.Server.Graph.Query;
using Skuld.Server.Graph.Users;
using Skuld.Store;
using Skuld.Store.Directory;

namespace Skuld.Server.Graph.Groups;

/// <summary>
/// Writes a directoryObject collection (members, memberOf and their transitive forms) a page at a
/// time: objects sorted by id, <c>$top</c> (1–999, default 100), <c>$skiptoken</c>, <c>$count</c> with
/// <c>ConsistencyLevel: eventual</c>, and <c>$select</c> applied to each object by its own type.
/// </summary>
public static class DirectoryObjectPage
{
    private static readonly HashSet<string> Supported = ["$top", "$skiptoken", "$count", "$select"];

    public static async Task<IResult> WriteAsync(
        HttpContext http, SkuldDb db, Guid tenantId, string context, IReadOnlyCollection<DirectoryObjectRef> objects, CancellationToken ct)
    {
        var request = http.Request;
        foreach (var (key, _) in request.Query)
        {
            if (key.StartsWith('$') && !Supported.Contains(key.ToLowerInvariant()))
            {
                return GraphError.UnsupportedQuery();
            }
        }

        var top = CollectionQueryParser.DefaultTop;
        var topText = request.Query["$top"].ToString();
        if (topText.Length > 0
            && (!int.TryParse(topText, NumberStyles.None, CultureInfo.InvariantCulture, out top) || top is < 1 or > CollectionQueryParser.MaxTop))
        {
            return GraphError.BadRequest($"Invalid page size specified: '{topText}'. Must be between 1 and {CollectionQueryParser.MaxTop} inclusive.");
        }

        var eventual = request.Headers["ConsistencyLevel"].Any(v => string.Equals(v?.Trim(), "eventual", StringComparison.OrdinalIgnoreCase));
        var countText = request.Query["$count"].ToString();
        var count = false;
        if (countText.Length > 0 && !bool.TryParse(countText, out count))
        {
            return GraphError.BadRequest($"'{countText}' is not a valid count option.");
        }

        if (count && !eventual)
        {
            return GraphError.BadRequest(CollectionQueryParser.CountNotSupported);
        }

        IEnumerable<DirectoryObjectRef> sorted = objects.OrderBy(o => o.Id);
        var tokenText = request.Query["$skiptoken"].ToString();
        if (tokenText.Length > 0)
        {
            if (PageToken.Decode(tokenText) is not { SortProperty: null } token)
            {
                return GraphError.BadRequest(CollectionQueryParser.InvalidPagingToken);
            }

            sorted = sorted.Where(o => o.Id.CompareTo(token.LastId) > 0);
        }

        var page = sorted.Take(top + 1).ToList();
        string? nextLink = null;
        if (page.Count > top)
        {
            page.RemoveAt(top);
            nextLink = NextLinkBase(request) + "$skiptoken=" + new PageToken(page[^1].Id, null, null).Encode();
        }

        var selectText = request.Query["$select"].ToString();
        string[]? select = selectText.Length == 0
            ? null
            : [.. selectText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        var items = await LoadAsync(db, tenantId, page, select, ct);
        long? total = count && tokenText.Length == 0 ? objects.Count : null;
        return GraphJson.Ok(GraphJson.Collection(context, items, total, nextLink));
    }

    private static async Task<List<JsonNode?>> LoadAsync(
        SkuldDb db, Guid tenantId, List<DirectoryObjectRef> page, string[]? select, CancellationToken ct)
    {
        var userIds = page.Where(o => o.Kind == MemberKind.User).Select(o => o.Id).ToList();
        var groupIds = page.Where(o => o.Kind == MemberKind.Group).Select(o => o.Id).ToList();
        var users = await db.Users.AsNoTracking().Where(u => u.TenantId == tenantId && userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, ct);
        var groups = await db.Groups.AsNoTracking().Where(g => g.TenantId == tenantId && groupIds.Contains(g.Id)).ToDictionaryAsync(g => g.Id, ct);
        var items = new List<JsonNode?>(page.Count);
        foreach (var o in page)
        {
            // A row whose object vanished meanwhile (deleted between the two reads) is skipped.
            JsonObject? json = o.Kind switch
            {
                MemberKind.User when users.TryGetValue(o.Id, out var user) => select is null
                    ? GroupJson.DirectoryObject(user)
                    : Typed(GroupJson.UserType, UserJson.Write(user, select, UserLicenses.None)),
                MemberKind.Group when groups.TryGetValue(o.Id, out var group) => select is null
                    ? GroupJson.DirectoryObject(group)
                    : Typed(GroupJson.GroupType, GroupJson.Write(group, select, [])),
                _ => null,
            };
            if (json is not null)
            {
                items.Add(json);
            }
        }

        return items;
    }

    private static JsonObject Typed(string type, JsonObject json)
    {
        json.Insert(0, "@odata.type", type);
        return json;
    }

    private static string NextLinkBase(HttpRequest request)
    {
        var url = UriHelper.BuildAbsolute(request.Scheme, request.Host, request.PathBase, request.Path);
        var kept = (request.QueryString.Value ?? "").TrimStart('?')
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Where(p => !p.StartsWith("$skiptoken=", StringComparison.OrdinalIgnoreCase) && !p.StartsWith("%24skiptoken=", StringComparison.OrdinalIgnoreCase))
            .ToList();
        return url + "?" + string.Concat(kept.Select(p => p + "&"));
    }
}
