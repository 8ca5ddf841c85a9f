using System.Text.Json;
using System.Text.Json.Nodes;

namespace Skuld.Server.Graph.Batch;

/// <summary>
/// A validated JSON batch (<c>{"requests":[{"id","method","url","headers","body","dependsOn"}]}</c>):
/// at most <see cref="MaxRequests"/> steps, unique ids, and <c>dependsOn</c> naming other steps of the
/// batch without a cycle. <see cref="ExecutionOrder"/> runs every step after the steps it depends on,
/// otherwise in the order sent.
/// </summary>
public sealed record BatchRequest(IReadOnlyList<BatchStep> Steps, IReadOnlyList<BatchStep> ExecutionOrder)
{
    /// <summary>Graph's limit on requests per batch (reference §1.10).</summary>
    public const int MaxRequests = 20;

    private static readonly HashSet<string> Methods = new(StringComparer.OrdinalIgnoreCase) { "GET", "POST", "PUT", "PATCH", "DELETE" };

    public static (BatchRequest? Batch, GraphError? Error) Parse(JsonObject body)
    {
        if (body["requests"] is not JsonArray requests)
        {
            return Invalid("Invalid batch payload format: a 'requests' array is required.");
        }

        if (requests.Count > MaxRequests)
        {
            return Invalid($"Number of individual requests in a batch exceeds the limit of {MaxRequests}.");
        }

        var steps = new List<BatchStep>(requests.Count);
        foreach (var node in requests)
        {
            var (step, error) = ReadStep(node, steps.Count);
            if (step is null)
            {
                return Invalid(error!); // ReadStep returns an error whenever it returns no step
            }

            if (steps.Any(other => other.Id == step.Id))
            {
                return Invalid($"Batch request contains a duplicate request id '{step.Id}'.");
            }

            steps.Add(step);
        }

        if (steps.SelectMany(step => step.DependsOn).FirstOrDefault(id => steps.All(step => step.Id != id)) is { } unknown)
        {
            return Invalid($"Dependency '{unknown}' does not name a request of the batch.");
        }

        var order = Order(steps);
        return order is null ? Invalid("Batch request contains circular dependencies.") : (new BatchRequest(steps, order), null);
    }

    private static (BatchStep? Step, string? Error) ReadStep(JsonNode? node, int index)
    {
        if (node is not JsonObject request)
        {
            return (null, $"Invalid batch payload format: request {index} is not an object.");
        }

        if (Text(request["id"]) is not { Length: > 0 } id)
        {
            return (null, $"Invalid batch payload format: request {index} has no 'id'.");
        }

        if (Text(request["method"]) is not { } method || !Methods.Contains(method))
        {
            return (null, $"Invalid batch payload format: request '{id}' has no supported 'method'.");
        }

        if (Text(request["url"]) is not { Length: > 0 } url)
        {
            return (null, $"Invalid batch payload format: request '{id}' has no 'url'.");
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        switch (request["headers"])
        {
            case null:
                break;
            case JsonObject given:
                foreach (var (name, value) in given)
                {
                    if (Text(value) is not { } text)
                    {
                        return (null, $"Invalid batch payload format: header '{name}' of request '{id}' is not a string.");
                    }

                    headers[name] = text;
                }

                break;
            default:
                return (null, $"Invalid batch payload format: 'headers' of request '{id}' is not an object.");
        }

        var dependsOn = new List<string>();
        switch (request["dependsOn"])
        {
            case null:
                break;
            case JsonArray ids when ids.All(d => Text(d) is { Length: > 0 }):
                dependsOn.AddRange(ids.Select(d => Text(d)!)); // checked just above
                break;
            default:
                return (null, $"Invalid batch payload format: 'dependsOn' of request '{id}' is not an array of ids.");
        }

        return (new BatchStep(id, method.ToUpperInvariant(), url, headers, request["body"]?.DeepClone(), dependsOn), null);
    }

    /// <summary>Kahn's algorithm, always picking the earliest ready step, so independent steps keep the order sent; null on a cycle.</summary>
    private static List<BatchStep>? Order(List<BatchStep> steps)
    {
        var done = new HashSet<string>();
        var order = new List<BatchStep>(steps.Count);
        while (order.Count < steps.Count)
        {
            var next = steps.FirstOrDefault(step => !done.Contains(step.Id) && step.DependsOn.All(done.Contains));
            if (next is null)
            {
                return null;
            }

            done.Add(next.Id);
            order.Add(next);
        }

        return order;
    }

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static (BatchRequest?, GraphError?) Invalid(string message) =>
        (null, new GraphError(StatusCodes.Status400BadRequest, "BadRequest", message));
}
