using Skuld.Server.Auth;

namespace Skuld.Server.Graph.Batch;

/// <summary>Graph JSON batching: <c>POST /v1.0/$batch</c> with up to 20 requests, each run as if sent alone.</summary>
public static class BatchEndpoints
{
    public const string Path = "/v1.0/$batch";

    public static IServiceCollection AddGraphBatch(this IServiceCollection services) => services.AddSingleton<BatchRunner>();

    /// <summary>
    /// Marks where batch steps enter the pipeline: everything after this point (routing, auth, throttling,
    /// endpoints) runs once per step. Place it after the exception handler and before <c>UseRouting()</c>.
    /// </summary>
    public static IApplicationBuilder UseGraphBatch(this IApplicationBuilder app)
    {
        var runner = app.ApplicationServices.GetRequiredService<BatchRunner>();
        return app.Use(next =>
        {
            runner.Pipeline = next;
            return next;
        });
    }

    public static void MapBatch(this RouteGroupBuilder graph) => graph.MapPost("/$batch", ExecuteAsync).RequireCaller();

    private static async Task<IResult> ExecuteAsync(HttpContext http, BatchRunner runner, CancellationToken ct)
    {
        var (body, readError) = await GraphJson.ReadObjectAsync(http.Request, ct);
        if (body is null)
        {
            return readError!; // ReadObjectAsync returns an error whenever it returns no body
        }

        var (batch, error) = BatchRequest.Parse(body);
        if (batch is null)
        {
            return error!; // Parse returns an error whenever it returns no batch
        }

        return GraphJson.Ok(new() { ["responses"] = await runner.RunAsync(http, batch, ct) });
    }
}
