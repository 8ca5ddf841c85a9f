using System.Text.Json.Nodes;
using Skuld.Server.Graph.Batch.Internal;

namespace Skuld.Server.Graph.Batch;

/// <summary>
/// Runs the steps of a JSON batch through the application's own pipeline (routing, authentication and
/// permissions, throttling, the endpoint), one after another in <see cref="BatchRequest.ExecutionOrder"/>,
/// so a step behaves exactly as the same request sent alone. Steps run sequentially even when independent:
/// Graph allows any order, and one at a time keeps a batch's writes from contending with each other.
/// </summary>
public sealed partial class BatchRunner(ILogger<BatchRunner> logger)
{
    private RequestDelegate? _pipeline;

    /// <summary>Set by <c>UseGraphBatch()</c>: the rest of the pipeline from that point on.</summary>
    internal RequestDelegate Pipeline
    {
        get => _pipeline ?? throw new InvalidOperationException("The $batch endpoint needs app.UseGraphBatch() in the pipeline.");
        set => _pipeline = value;
    }

    /// <summary>The <c>responses</c> of the batch, in the order the requests were sent.</summary>
    public async Task<JsonArray> RunAsync(HttpContext batch, BatchRequest request, CancellationToken ct)
    {
        var responses = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var step in request.ExecutionOrder)
        {
            ct.ThrowIfCancellationRequested();
            var failed = step.DependsOn.FirstOrDefault(id => !IsSuccess(responses[id]));
            responses[step.Id] = failed is null
                ? await RunAsync(batch, step)
                : await AnswerAsync(batch, step, new GraphError(
                    StatusCodes.Status424FailedDependency, "FailedDependency", $"The request depends on request '{failed}', which failed."));
        }

        return [.. request.Steps.Select(step => responses[step.Id])];
    }

    private async Task<JsonObject> RunAsync(HttpContext batch, BatchStep step)
    {
        await using var sub = SubRequest.For(batch, step);
        if (sub is null)
        {
            return await AnswerAsync(batch, step, new GraphError(
                StatusCodes.Status400BadRequest, "BadRequest", $"Invalid request url or body for batch request '{step.Id}': urls must be relative to /v1.0."));
        }

        try
        {
            await Pipeline(sub.Context);
            return await sub.ReadResponseAsync(step.Id);
        }
        catch (Exception error) when (!batch.RequestAborted.IsCancellationRequested)
        {
            // One broken step must not take the batch's other answers with it; alone it would have been a 500 too.
            LogStepFailed(logger, error, step.Id, step.Method, step.Url);
            return await AnswerAsync(batch, step, new GraphError(
                StatusCodes.Status500InternalServerError, "InternalServerError", "An internal server error occurred."));
        }
    }

    /// <summary>A step answered by the batch itself, in Graph's error envelope like any other error.</summary>
    private static async Task<JsonObject> AnswerAsync(HttpContext batch, BatchStep step, GraphError error)
    {
        await using var sub = SubRequest.Bare(batch, step);
        await error.WriteAsync(sub.Context);
        return await sub.ReadResponseAsync(step.Id);
    }

    private static bool IsSuccess(JsonObject response) => response["status"]!.GetValue<int>() is >= 200 and < 300; // every entry has a status

    [LoggerMessage(Level = LogLevel.Error, Message = "Batch request {Id} ({Method} {Url}) failed")]
    private static partial void LogStepFailed(ILogger logger, Exception error, string id, string method, string url);
}
