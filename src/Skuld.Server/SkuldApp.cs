using Microsoft.AspNetCore.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Skuld.Server.Auth;
using Skuld.Server.Graph;
using Skuld.Server.Graph.Audit;
using Skuld.Server.Graph.Organization;
using Skuld.Server.Graph.Skus;
using Skuld.Server.Graph.Users;
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
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSkuldStore(store);
        builder.Services.AddSkuldAuth();
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = GraphJson.MaxBodyBytes * 2L);

        var app = builder.Build();
        using (var scope = app.Services.CreateScope())
        {
            scope.ServiceProvider.GetRequiredService<SkuldDb>().Database.Migrate();
        }

        app.UseExceptionHandler(errors => errors.Run(AnswerFailureAsync));
        app.Use(async (context, next) =>
        {
            // Graph's request ids are GUIDs; logs and the error envelope use the same one.
            context.TraceIdentifier = Guid.NewGuid().ToString("D");
            await next(context);
        });
        app.UseSkuldAuth();

        app.MapSkuldAuth();
        var graph = app.MapGroup("/v1.0");
        graph.MapUsers();
        graph.MapUserLicenses();
        graph.MapSubscribedSkus();
        graph.MapOrganization();
        graph.MapDirectoryAudits();
        graph.MapFallback((HttpContext http) => new GraphError(
            StatusCodes.Status400BadRequest, "BadRequest",
            $"Resource not found for the segment '{http.Request.Path.Value?.Split('/', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1)}'."));
        return app;
    }

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
