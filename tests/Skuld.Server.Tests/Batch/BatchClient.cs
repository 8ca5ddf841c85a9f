using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Skuld.Server.Tests.Batch;

/// <summary>Sends raw JSON batches and reads their responses by id.</summary>
internal static class BatchClient
{
    public static JsonObject Step(string id, string method, string url, JsonNode? body = null, params string[] dependsOn)
    {
        var step = new JsonObject { ["id"] = id, ["method"] = method, ["url"] = url };
        if (body is not null)
        {
            step["headers"] = new JsonObject { ["Content-Type"] = "application/json" };
            step["body"] = body;
        }

        if (dependsOn.Length > 0)
        {
            step["dependsOn"] = new JsonArray([.. dependsOn.Select(d => JsonValue.Create(d))]);
        }

        return step;
    }

    public static Task<HttpResponseMessage> PostBatchAsync(this HttpClient client, IEnumerable<JsonObject> steps, CancellationToken ct) =>
        client.PostAsJsonAsync("/v1.0/$batch", new JsonObject { ["requests"] = new JsonArray([.. steps]) }, ct);

    /// <summary>The batch's responses in the order received, each with its id.</summary>
    public static async Task<List<JsonElement>> ResponsesAsync(this HttpResponseMessage response, CancellationToken ct)
    {
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        return [.. body.GetProperty("responses").EnumerateArray()];
    }

    public static JsonElement ById(this List<JsonElement> responses, string id) =>
        responses.Single(r => r.GetProperty("id").GetString() == id);

    public static int Status(this JsonElement response) => response.GetProperty("status").GetInt32();

    public static string? ErrorCode(this JsonElement response) =>
        response.GetProperty("body").GetProperty("error").GetProperty("code").GetString();

    public static string? Header(this JsonElement response, string name) =>
        response.GetProperty("headers").EnumerateObject().FirstOrDefault(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)) is { Value.ValueKind: JsonValueKind.String } h
            ? h.Value.GetString()
            : null;

    public static JsonObject NewUser(string userPrincipalName) => new()
    {
        ["accountEnabled"] = true,
        ["displayName"] = userPrincipalName,
        ["mailNickname"] = userPrincipalName.Split('@')[0],
        ["userPrincipalName"] = userPrincipalName,
        ["passwordProfile"] = new JsonObject { ["password"] = "Str0ng!Passw0rd" },
    };
}
