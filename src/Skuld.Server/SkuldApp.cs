using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.EntityFrameworkCore;
using Skuld.Server.Api.Audit;
using Skuld.Server.Api.Settings;
using Skuld.Server.Api.Recipients;
using Skuld.Server.Auth;
using Skuld.Server.Graph;
using Skuld.Server.Graph.Audit;
using Skuld.Server.Graph.Batch;
using Skuld.Server.Graph.Contacts;
using Skuld.Server.Graph.Groups;
using Skuld.Server.Graph.Organization;
using Skuld.Server.Graph.Skus;
using Skuld.Server.Graph.Users;
using Skuld.Server.Processing;
using Skuld.Server.Throttling;
using Skuld.Store;

namespace Skuld.Server;

/// <summary>Builds the Skuld web application: the table of contents of the server.</summary>
public static class SkuldApp
{
    /// <summary>Configuration key of the store: <c>sqlite:PATH</c> or <c>postgres:CONNECTION</c>.</summary>
    public const string StoreSetting = "Skuld:Store";

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var store = builder.Configuration[StoreSetting] is { Length: > 0 } spec ? StoreLocation.Parse(spec) : StoreLocation.Default;
        // Every SQL statement at Information drowns the server's own messages; keep EF's warnings.
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSkuldStore(store);
        builder.Services.AddSkuldAuth();
        builder.Services.AddLicenseProcessing();
        builder.Services.AddAuditSealing();
        builder.Services.AddSkuldThrottling();
        builder.Services.AddGraphBatch();
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = GraphJson.MaxBodyBytes * 2L);

        var app = builder.Build();
        using (var scope = app.Services.CreateScope())
        {
            scope.ServiceProvider.GetRequiredService<SkuldDb>().Database.Migrate();
        }

        app.UseExceptionHandler(errors => errors.Run(AnswerFailureAsync));
        // $batch steps re-enter the pipeline here, so each gets its own request id, route, caller and budget.
        app.UseGraphBatch();
        app.Use(async (context, next) =>
        {
            // Graph's request ids are GUIDs; logs and the error envelope use the same one.
            context.TraceIdentifier = Guid.NewGuid().ToString("D");
            await next(context);
        });
        app.UseRouting();
        app.UseSkuldAuth();
        app.UseSkuldThrottling();

        app.MapSkuldAuth();
        var graph = app.MapGroup("/v1.0");
        graph.MapUsers();
        graph.MapUserLicenses();
        graph.MapGroups();
        graph.MapSubscribedSkus();
        graph.MapOrganization();
        graph.MapDirectoryAudits();
        graph.MapContacts();
        graph.MapBatch();
        graph.MapFallback(Unmatched);
        app.MapGroupsApi();
        app.MapAuditApi();
        app.MapTenantSettingsApi();
        app.MapRecipientsApi();
        app.MapRecipientSearchApi();
        return app;
    }

    /// <summary>
    /// A <c>/v1.0</c> request no endpoint took, answered as Graph does: 405 when the path names a resource
    /// that has other methods (routing alone would pick this fallback, which takes every method), else
    /// 400 naming the first segment that resolves to nothing (<c>/users/{id}/x</c> names <c>x</c>).
    /// </summary>
    private static GraphError Unmatched(HttpContext http)
    {
        var segments = http.Request.Path.Value?.Split('/', StringSplitOptions.RemoveEmptyEntries) ?? [];
        var routes = http.RequestServices.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Select(e => (e.RoutePattern, Methods: e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []))
            .Where(r => r.Methods.Count > 0 && r.RoutePattern.PathSegments.Count > 0 && Matches(r.RoutePattern.PathSegments[0], "v1.0"))
            .ToList();
        var allowed = routes
            .Where(r => r.RoutePattern.PathSegments.Count == segments.Length && Resolved(r.RoutePattern, segments) == segments.Length)
            .SelectMany(r => r.Methods)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        if (allowed.Count > 0)
        {
            http.Response.Headers.Allow = string.Join(", ", allowed);
            return new GraphError(StatusCodes.Status405MethodNotAllowed, "Request_BadRequest", "Specified HTTP method is not allowed for the request target.");
        }

        var resolved = routes.Count == 0 ? 0 : routes.Max(r => Resolved(r.RoutePattern, segments));
        var unknown = segments.ElementAtOrDefault(resolved) ?? segments.LastOrDefault() ?? "";
        return new GraphError(StatusCodes.Status400BadRequest, "BadRequest", $"Resource not found for the segment '{unknown}'.");
    }

    /// <summary>How many leading segments of the path the route pattern accepts.</summary>
    private static int Resolved(RoutePattern pattern, string[] segments)
    {
        var count = 0;
        while (count < segments.Length && count < pattern.PathSegments.Count && Matches(pattern.PathSegments[count], segments[count]))
        {
            count++;
        }

        return count;
    }

    private static bool Matches(RoutePatternPathSegment segment, string value) =>
        segment.Parts is [RoutePatternLiteralPart literal]
            ? string.Equals(literal.Content, value, StringComparison.OrdinalIgnoreCase)
            : segment.Parts is not [RoutePatternParameterPart { IsCatchAll: true }];

    /// <summary>
    /// The last line of defence: a request that could not be read is the client's fault (400/413 in
    /// Graph's envelope); anything else is ours (500, with no internals in the body).
    /// </summary>
    private static Task AnswerFailureAsync(HttpContext context)
    {
        var failure = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        GraphError error = failure switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => GraphJson.TooLarge(),
            BadHttpRequestException => GraphJson.Unreadable(),
            _ => new GraphError(StatusCodes.Status500InternalServerError, "InternalServerError", "An internal server error occurred."),
        };
        return error.WriteAsync(context);
    }
}
