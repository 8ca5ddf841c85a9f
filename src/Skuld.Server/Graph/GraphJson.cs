using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Skuld.Server.Graph;

/// <summary>Reads Graph request bodies strictly and writes Graph responses.</summary>
public static class GraphJson
{
    public const string ContextBase = "https://graph.microsoft.com/v1.0/$metadata#";

    /// <summary>Bodies larger than this are refused before they are read.</summary>
    public const int MaxBodyBytes = 512 * 1024;

    private static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = false };
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 32 };

    /// <summary>
    /// Reads the request body as one JSON object. Anything else (no body, not JSON, an array, too large)
    /// gives Graph's error for an unreadable payload.
    /// </summary>
    public static async Task<(JsonObject? Body, GraphError? Error)> ReadObjectAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return (null, TooLarge());
        }

        try
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > MaxBodyBytes)
                {
                    return (null, TooLarge());
                }

                buffer.Write(chunk, 0, read);
            }

            // The parser only meets invalid UTF-8 when a string is materialised, and then throws
            // InvalidOperationException rather than JsonException: check the bytes up front.
            if (buffer.Length == 0 || !System.Text.Unicode.Utf8.IsValid(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)))
            {
                return (null, Unreadable());
            }

            var node = JsonNode.Parse(buffer.ToArray(), NodeOptions, DocumentOptions);
            return node is JsonObject obj ? (obj, null) : (null, Unreadable());
        }
        catch (JsonException)
        {
            return (null, Unreadable());
        }
    }

    /// <summary>Reads the body as one JSON object and then as a request of the endpoint; the first error wins.</summary>
    public static async Task<(T? Value, GraphError? Error)> ReadAsync<T>(
        HttpRequest request, Func<JsonObject, (T? Value, GraphError? Error)> read, CancellationToken ct)
        where T : class
    {
        var (body, error) = await ReadObjectAsync(request, ct);
        return body is null ? (null, error) : read(body);
    }

    public static GraphError Unreadable() => new(
        StatusCodes.Status400BadRequest,
        "BadRequest",
        "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.");

    public static GraphError TooLarge() => new(
        StatusCodes.Status413PayloadTooLarge,
        "Request_EntityTooLarge",
        $"The request body exceeds the maximum size of {MaxBodyBytes} bytes.");

    /// <summary>Whether a body member is an OData annotation (<c>@odata.type</c>) that clients may send and we ignore.</summary>
    public static bool IsAnnotation(string name) => name.StartsWith('@') || name.Contains("@odata.", StringComparison.Ordinal);

    // Graph writes '&' and '+' as they are (nextLinks are copied by scripts); the body is JSON, not HTML.
    private static readonly JsonSerializerOptions WriteOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static IResult Ok(JsonObject body, int statusCode = StatusCodes.Status200OK) =>
        Results.Text(body.ToJsonString(WriteOptions), "application/json", System.Text.Encoding.UTF8, statusCode);

    /// <summary>A Graph collection: <c>{"@odata.context", ["@odata.count"], "value", ["@odata.nextLink"]}</c>.</summary>
    public static JsonObject Collection(string context, IEnumerable<JsonNode?> items, long? count = null, string? nextLink = null)
    {
        var body = new JsonObject { ["@odata.context"] = ContextBase + context };
        if (count is { } c)
        {
            body["@odata.count"] = c;
        }

        body["value"] = new JsonArray([.. items]);
        if (nextLink is not null)
        {
            body["@odata.nextLink"] = nextLink;
        }

        return body;
    }

    /// <summary>GUIDs are written lower-case, as Graph does.</summary>
    public static string Id(Guid id) => id.ToString("D");
}
