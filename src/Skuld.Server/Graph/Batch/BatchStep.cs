using System.Text.Json.Nodes;

namespace Skuld.Server.Graph.Batch;

/// <summary>One request inside a JSON batch, as the client sent it.</summary>
public sealed record BatchStep(
    string Id,
    string Method,
    string Url,
    IReadOnlyDictionary<string, string> Headers,
    JsonNode? Body,
    IReadOnlyList<string> DependsOn);
