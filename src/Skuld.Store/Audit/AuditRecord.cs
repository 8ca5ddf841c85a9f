using System.Text.Json;
using System.Text.Json.Serialization;
using Skuld.Store.Directory;

namespace Skuld.Store.Audit;

/// <summary>A property a change modified, with its old and new values as JSON text (as Graph shows them).</summary>
public sealed record ModifiedProperty(string DisplayName, string? OldValue, string? NewValue);

/// <summary>One object a change touched (Graph's targetResource).</summary>
public sealed record AuditTarget(
    Guid Id,
    string Type,
    string? DisplayName,
    string? UserPrincipalName,
    IReadOnlyList<ModifiedProperty> ModifiedProperties);

/// <summary>Builds <see cref="AuditEvent"/>s in Graph's directoryAudit shape.</summary>
public static class AuditRecord
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static AuditEvent Create(
        Guid tenantId,
        Actor actor,
        string activityDisplayName,
        string category,
        string operationType,
        Guid correlationId,
        DateTimeOffset at,
        IReadOnlyList<AuditTarget> targets,
        string? failureReason = null,
        IReadOnlyList<KeyValuePair<string, string>>? additionalDetails = null)
    {
        var id = Guid.CreateVersion7(at);
        var targetIds = targets.Select(t => t.Id).Distinct().ToList();
        return new()
        {
            TenantId = tenantId,
            Id = id,
            ActivityDateTime = at,
            ActivityDisplayName = activityDisplayName,
            Category = category,
            Result = failureReason is null ? "success" : "failure",
            ResultReason = failureReason,
            OperationType = operationType,
            CorrelationId = correlationId,
            InitiatedByUserId = actor.UserId,
            InitiatedByUserPrincipalNameKey = UserPrincipalNameKey(actor),
            InitiatedByAppId = actor.AppId,
            InitiatedBy = InitiatedBy(actor),
            TargetResources = JsonSerializer.Serialize(targets.Select(Target), Json),
            TargetId = targetIds.Count == 1 ? targetIds[0] : null,
            Targets = targetIds.Count == 1 ? [] : TargetRows(tenantId, id, targetIds),
            AdditionalDetails = JsonSerializer.Serialize((additionalDetails ?? []).Select(d => new { key = d.Key, value = d.Value }), Json),
        };
    }

    /// <summary>The key of <c>initiatedBy.user.userPrincipalName</c>: only a user initiator has one in the JSON.</summary>
    public static string? UserPrincipalNameKey(Actor actor) =>
        actor.UserId is not null && actor.UserPrincipalName is { } upn ? User.KeyOf(upn) : null;

    /// <summary>The <see cref="AuditEvent.Targets"/> rows of an event's target ids (each once), for several targets.</summary>
    public static List<AuditEventTarget> TargetRows(Guid tenantId, Guid eventId, IEnumerable<Guid> targetIds) =>
        [.. targetIds.Distinct().Select(t => new AuditEventTarget { TenantId = tenantId, EventId = eventId, TargetId = t })];

    /// <summary>A value as Graph's modifiedProperties show it: JSON text.</summary>
    public static string Value<T>(T value) => JsonSerializer.Serialize(value, Json);

    private static string InitiatedBy(Actor actor)
    {
        object? user = actor.UserId is { } id
            ? new { id, displayName = actor.DisplayName, userPrincipalName = actor.UserPrincipalName, ipAddress = (string?)null, userType = (string?)null, homeTenantId = (string?)null, homeTenantName = (string?)null }
            : null;
        object? app = actor.AppId is { } appId
            ? new { appId, displayName = actor.AppDisplayName, servicePrincipalId = actor.ServicePrincipalId, servicePrincipalName = actor.AppDisplayName }
            : null;
        return JsonSerializer.Serialize(new { user, app }, Json);
    }

    private static object Target(AuditTarget t) => new
    {
        id = t.Id,
        displayName = t.DisplayName,
        type = t.Type,
        userPrincipalName = t.UserPrincipalName,
        groupType = (string?)null,
        modifiedProperties = t.ModifiedProperties.Select(p => new { displayName = p.DisplayName, oldValue = p.OldValue, newValue = p.NewValue }),
    };
}
