using System.Linq.Expressions;
using System.Text.Json;
using Skuld.Store.Audit;

namespace Skuld.Server.Graph.Query;

/// <summary>How <c>GET /auditLogs/directoryAudits</c> maps Graph's directoryAudit onto <see cref="AuditEvent"/>.</summary>
public static class AuditResource
{
    public const string ActivityDateTime = "activityDateTime";

    public static QueryResource<AuditEvent> Instance { get; } = new()
    {
        EntitySet = GraphModel.DirectoryAudits,
        Id = e => e.Id,
        Filterable = new Dictionary<string, LambdaExpression>
        {
            [ActivityDateTime] = Property(e => e.ActivityDateTime),
            ["activityDisplayName"] = Property(e => e.ActivityDisplayName),
            ["category"] = Property(e => e.Category),
            ["correlationId"] = Property(e => e.CorrelationId),
            ["loggedByService"] = Property(e => e.LoggedByService),
            ["operationType"] = Property(e => e.OperationType),
            ["result"] = Property(e => e.Result),
            ["initiatedBy/user/id"] = Property(e => e.InitiatedByUserId),
            ["initiatedBy/app/appId"] = Property(e => e.InitiatedByAppId),
        },
        UpperCaseKeys = new Dictionary<string, Expression<Func<AuditEvent, string>>>
        {
            // Null for an app initiator; the translator's string comparisons test for null first.
            ["initiatedBy/user/userPrincipalName"] = e => e.InitiatedByUserPrincipalNameKey!,
        },
        TextMatches = new Dictionary<string, Func<TextMatch, Expression<Func<AuditEvent, bool>>>>
        {
            ["initiatedBy/user/displayName"] = InitiatedByUser("displayName"),
            ["initiatedBy/app/displayName"] = InitiatedByApp("displayName"),
            ["targetResources/id"] = TargetId,
            ["targetResources/displayName"] = Target("displayName"),
            ["targetResources/userPrincipalName"] = Target("userPrincipalName"),
        },
        Sortable = new Dictionary<string, Expression<Func<AuditEvent, string>>>(),
        SortableTimes = new Dictionary<string, Expression<Func<AuditEvent, DateTimeOffset>>>
        {
            [ActivityDateTime] = e => e.ActivityDateTime,
        },
        DefaultOrderBy = new SortOrder(ActivityDateTime, Descending: true),
        HasAdvancedQueries = false,
        DefaultSelect =
        [
            "id", "category", "correlationId", "result", "resultReason", "activityDisplayName", ActivityDateTime,
            "loggedByService", "operationType", "initiatedBy", "targetResources", "additionalDetails",
        ],
    };

    // The initiator's user id and UPN and the target ids have indexed columns (exact matches). Display names,
    // target UPNs and id prefixes are kept only inside the JSON (AuditEvent.InitiatedBy, .TargetResources), so
    // those match a fragment of that text. The fragment is encoded as the store's serializer encodes
    // (same default encoder: non-ASCII and HTML-sensitive characters become \uXXXX), then both sides
    // are upper-cased, which is exact for ASCII text. Values are always SQL parameters.

    // CA1862: these run as SQL, where Contains with a StringComparison has no translation.
#pragma warning disable CA1862
    private static Func<TextMatch, Expression<Func<AuditEvent, bool>>> InitiatedByUser(string name) => match =>
    {
        var fragment = Fragment(name, match).ToUpperInvariant();
        return e => e.InitiatedByUserId != null && e.InitiatedBy.ToUpper().Contains(fragment);
    };

    private static Func<TextMatch, Expression<Func<AuditEvent, bool>>> InitiatedByApp(string name) => match =>
    {
        var fragment = Fragment(name, match).ToUpperInvariant();
        return e => e.InitiatedByAppId != null && e.InitiatedBy.ToUpper().Contains(fragment);
    };

    private static Func<TextMatch, Expression<Func<AuditEvent, bool>>> Target(string name) => match =>
    {
        var fragment = Fragment(name, match).ToUpperInvariant();
        return e => e.TargetResources.ToUpper().Contains(fragment);
    };
#pragma warning restore CA1862

    /// <summary>
    /// <c>t/id eq …</c> looks the id up in the event's target columns (<see cref="AuditEvent.Names"/>), so an id that
    /// appears only inside a modified property's value never matches; a value that is no GUID names no object.
    /// <c>startsWith(t/id, …)</c> matches the JSON's lower-case ids as text: a prefix has no column to seek.
    /// </summary>
    private static Expression<Func<AuditEvent, bool>> TargetId(TextMatch match)
    {
        if (!match.Prefix)
        {
            if (!Guid.TryParse(match.Value, out var id))
            {
                return e => false;
            }

            return AuditEvent.Names(id);
        }

        var fragment = Fragment("id", match with { Value = match.Value.ToLowerInvariant() });
        return e => e.TargetResources.Contains(fragment);
    }

    /// <summary><c>"name":"value"</c>, or <c>"name":"prefix</c> (no closing quote) for startsWith.</summary>
    private static string Fragment(string name, TextMatch match)
    {
        var value = JsonSerializer.Serialize(match.Value);
        return $"\"{name}\":" + (match.Prefix ? value[..^1] : value);
    }

    // Why a helper: a dictionary of LambdaExpression can't infer each lambda's type on its own.
    private static Expression<Func<AuditEvent, T>> Property<T>(Expression<Func<AuditEvent, T>> access) => access;
}
