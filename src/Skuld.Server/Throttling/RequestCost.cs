using Microsoft.AspNetCore.WebUtilities;

namespace Skuld.Server.Throttling;

/// <summary>
/// What one Graph request costs, by Graph's identity-and-access table (reference §6): 1 resource unit
/// by default, more for some reads; a write costs 1 unit and 1 write; <c>$select</c> −1, <c>$expand</c>
/// +1, <c>$top</c> under 20 −1, never below 1.
/// </summary>
public readonly record struct RequestCost(int ResourceUnits, int WriteUnits)
{
    public bool IsWrite => WriteUnits > 0;

    /// <summary>The cost of a request under <c>/v1.0</c>.</summary>
    public static RequestCost Of(HttpRequest request)
    {
        var isWrite = HttpMethods.IsPost(request.Method) || HttpMethods.IsPatch(request.Method)
            || HttpMethods.IsPut(request.Method) || HttpMethods.IsDelete(request.Method);
        var units = isWrite ? 1 : BaseReadCost(Segments(request.Path));
        var query = QueryHelpers.ParseQuery(request.QueryString.Value);
        if (query.ContainsKey("$select"))
        {
            units--;
        }

        if (query.ContainsKey("$expand"))
        {
            units++;
        }

        if (query.TryGetValue("$top", out var top) && int.TryParse(top, out var size) && size < 20)
        {
            units--;
        }

        return new RequestCost(Math.Max(1, units), isWrite ? 1 : 0);
    }

    private static string[] Segments(PathString path) =>
        // The path under /v1.0, e.g. ["users", "{id}", "licenseDetails"].
        (path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToArray();

    private static int BaseReadCost(string[] segments) => segments switch
    {
        [var users] when Is(users, "users") => 2,
        [var groups, _, var members] when Is(groups, "groups") && Is(members, "members") => 3,
        [var groups, _, var members] when Is(groups, "groups") && Is(members, "transitiveMembers") => 5,
        [var skus] when Is(skus, "subscribedSkus") => 3,
        [var me, var details] when Is(me, "me") && Is(details, "licenseDetails") => 2,
        [var users, _, var details] when Is(users, "users") && Is(details, "licenseDetails") => 2,
        _ => 1,
    };

    private static bool Is(string segment, string name) => segment.Equals(name, StringComparison.OrdinalIgnoreCase);
}
