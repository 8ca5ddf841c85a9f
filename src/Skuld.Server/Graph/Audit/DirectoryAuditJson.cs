using System.Text.Json.Nodes;
using Skuld.Store.Audit;

namespace Skuld.Server.Graph.Audit;

/// <summary>An <see cref="AuditEvent"/> as Graph's directoryAudit, and Graph's id for it.</summary>
public static class DirectoryAuditJson
{
    /// <summary>Graph's directory audit ids start with the service that logged them.</summary>
    private const string IdPrefix = "Directory_";

    /// <summary><c>Directory_{event id}</c>.</summary>
    public static string Id(Guid eventId) => IdPrefix + GraphJson.Id(eventId);

    /// <summary>The event id inside a Graph id, or null when it isn't one of ours.</summary>
    public static Guid? ParseId(string id) =>
        id.StartsWith(IdPrefix, StringComparison.OrdinalIgnoreCase) && Guid.TryParseExact(id[IdPrefix.Length..], "D", out var eventId)
            ? eventId
            : null;

    /// <summary>The event with the <paramref name="selected"/> properties, in that order.</summary>
    public static JsonObject Write(AuditEvent e, IReadOnlyList<string> selected)
    {
        var json = new JsonObject();
        foreach (var name in selected)
        {
            json[name] = Property(e, name);
        }

        return json;
    }

    private static JsonNode? Property(AuditEvent e, string name) => name switch
    {
        "id" => Id(e.Id),
        "category" => e.Category,
        "correlationId" => GraphJson.Id(e.CorrelationId),
        "result" => e.Result,
        "resultReason" => e.ResultReason,
        "activityDisplayName" => e.ActivityDisplayName,
        "activityDateTime" => e.ActivityDateTime.UtcDateTime,
        "loggedByService" => e.LoggedByService,
        "operationType" => e.OperationType,
        // The store keeps these nested parts as the JSON Graph returns.
        "initiatedBy" => JsonNode.Parse(e.InitiatedBy),
        "targetResources" => JsonNode.Parse(e.TargetResources),
        "additionalDetails" => JsonNode.Parse(e.AdditionalDetails),
        _ => null,
    };
}
