using Microsoft.AspNetCore.Http;
using Skuld.Server.Graph;
using Skuld.Server.Graph.Query;
using Skuld.Store.Directory;

namespace Skuld.Query.Tests;

/// <summary>Builds <c>GET /v1.0/users?…</c> requests without a server.</summary>
internal static class Requests
{
    public static HttpRequest Users(string query, bool eventual = false)
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = "https";
        context.Request.Host = new HostString("skuld.example");
        context.Request.Path = "/v1.0/users";
        context.Request.QueryString = new QueryString(query.Length == 0 ? "" : "?" + query);
        if (eventual)
        {
            context.Request.Headers["ConsistencyLevel"] = "eventual";
        }

        return context.Request;
    }

    /// <summary>The query string with <c>$filter</c> escaped as a client would send it.</summary>
    public static string Filter(string filter, string more = "") =>
        "$filter=" + Uri.EscapeDataString(filter) + (more.Length == 0 ? "" : "&" + more);

    public static CollectionQuery<User> Parsed(string query, bool eventual = false)
    {
        var result = UserQuery.Parse(Users(query, eventual));
        Assert.True(result.Error is null, $"expected no error, got {result.Error?.Code}: {result.Error?.Message}");
        return result.Value!; // Why '!': no error means a value.
    }

    public static GraphError Failed(string query, bool eventual = false)
    {
        var result = UserQuery.Parse(Users(query, eventual));
        Assert.NotNull(result.Error);
        return result.Error;
    }
}
