using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Skuld.Licensing.Engine;
using Skuld.Store.Audit;
using Skuld.Store.Recipients;

namespace Skuld.Store.Processing;

/// <summary>
/// The audit events of group-based licensing, in Entra's words: <c>Set group license</c> (written by
/// whoever changes a group's licenses, actor the admin), <c>Start…</c> and <c>Finish applying group based
/// license to users</c>, and one <c>Change user license</c> per user whose licenses changed, whose actor is
/// <see cref="Actor.GroupBasedLicensing"/>.
/// </summary>
public static class GroupLicensingAudit
{
    public const string SetGroupLicense = "Set group license";
    public const string Start = "Start applying group based license to users";
    public const string Finish = "Finish applying group based license to users";
    public const string ChangeUserLicense = "Change user license";
    private const string GroupManagement = "GroupManagement";

    /// <summary>Reused per thread: one target text per changed user of a million-member job.</summary>
    [ThreadStatic]
    private static StringBuilder? UserTarget;

    private static readonly string GroupLicensingInitiator = AuditRecord.Create(
        Guid.Empty, Actor.GroupBasedLicensing, "", "", "", Guid.Empty, DateTimeOffset.UnixEpoch, []).InitiatedBy;

    /// <summary>An admin changed a group's licenses: old and new assigned SKUs (JSON text, as Graph shows them).</summary>
    public static AuditEvent GroupLicenseSet(
        Guid tenantId, Guid groupId, string groupDisplayName,
        IReadOnlyList<Guid> oldSkuIds, IReadOnlyList<Guid> newSkuIds,
        Actor actor, Guid correlationId, DateTimeOffset at) =>
        AuditRecord.Create(tenantId, actor, SetGroupLicense, GroupManagement, "Update", correlationId, at,
            [new AuditTarget(groupId, "Group", groupDisplayName, null,
                [new ModifiedProperty("AssignedLicense", AuditRecord.Value(oldSkuIds), AuditRecord.Value(newSkuIds))])]);

    internal static AuditEvent Started(Guid tenantId, Guid groupId, Guid correlationId, DateTimeOffset at) =>
        AuditRecord.Create(tenantId, Actor.GroupBasedLicensing, Start, GroupManagement, "Update", correlationId, at,
            [new AuditTarget(groupId, "Group", null, null, [])]);

    internal static AuditEvent Finished(Guid tenantId, Guid groupId, int successes, int failures, Guid correlationId, DateTimeOffset at) =>
        AuditRecord.Create(tenantId, Actor.GroupBasedLicensing, Finish, GroupManagement, "Update", correlationId, at,
            [new AuditTarget(groupId, "Group", null, null,
                [new ModifiedProperty("Result", null,
                    $"[Users successfully assigned licenses: {successes}, Users for whom license assignment failed: {failures}.];")])]);

    /// <summary>
    /// A user's licenses changed by group-based licensing. Built by hand (not through anonymous objects):
    /// a million-member group writes a million of these.
    /// </summary>
    internal static AuditEvent UserChanged(
        Guid tenantId, Guid userId, string displayName, string userPrincipalName,
        string oldLicensesJson, string newLicensesJson, LicenseError failure, Guid? failedGroup,
        Guid correlationId, DateTimeOffset at, Guid id, AddressConflict? conflict = null)
    {
        var target = UserTarget ??= new StringBuilder(1024);
        target.Clear();
        target.Append("[{\"id\":\"").Append(userId.ToString("D")).Append("\",\"displayName\":").Append(JsonString(displayName))
            .Append(",\"type\":\"User\",\"userPrincipalName\":").Append(JsonString(userPrincipalName))
            .Append(",\"groupType\":null,\"modifiedProperties\":[{\"displayName\":\"AssignedLicense\",\"oldValue\":")
            .Append(oldLicensesJson).Append(",\"newValue\":").Append(newLicensesJson).Append("}]}]");
        var failed = failure != LicenseError.None;
        return new AuditEvent
        {
            TenantId = tenantId,
            Id = id,
            ActivityDateTime = at,
            ActivityDisplayName = ChangeUserLicense,
            Category = "UserManagement",
            Result = failed ? "failure" : "success",
            ResultReason = failed ? failure.ToString() : null,
            OperationType = "Update",
            CorrelationId = correlationId,
            InitiatedByAppId = Actor.GroupBasedLicensing.AppId,
            InitiatedBy = GroupLicensingInitiator,
            TargetResources = target.ToString(),
            TargetId = userId,
            AdditionalDetails = failed && failedGroup is { } g
                ? failure == LicenseError.UniquenessViolation && conflict is not null
                    // Rare: names the recipient holding the address (reference §5), so the slower serializer is fine.
                    ? JsonSerializer.Serialize(
                        ((IEnumerable<KeyValuePair<string, string>>)[new("FailureCode", failure.ToString()), new("GroupId", g.ToString("D")), .. conflict.AuditDetails()])
                        .Select(d => new { key = d.Key, value = d.Value }))
                    : $"[{{\"key\":\"FailureCode\",\"value\":\"{failure}\"}},{{\"key\":\"GroupId\",\"value\":\"{g:D}\"}}]"
                : "[]",
        };
    }

    /// <summary>
    /// <paramref name="text"/> as a JSON string literal, exactly as <see cref="JsonSerializer"/> writes it. Why the
    /// fast path: names are almost always plain ASCII that the default encoder leaves alone, and this runs per user.
    /// </summary>
    private static string JsonString(string text)
    {
        foreach (var c in text)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is ' ' or '.' or '@' or '-' or '_'))
            {
                return JsonSerializer.Serialize(text);
            }
        }
        return string.Concat("\"", text, "\"");
    }

    /// <summary>The user's licenses as Entra writes them: "[SkuName=…, AccountId=…, SkuId=…, DisabledPlans=[…]]" inside a JSON array.</summary>
    internal static string Licenses(Guid tenantId, TenantSnapshot tenant, ImmutableArray<EffectiveLicense> licenses)
    {
        if (licenses.IsDefaultOrEmpty)
        {
            return "[]";
        }
        return AuditRecord.Value(licenses.Select(l =>
            $"[SkuName={(tenant.Skus.TryGetValue(l.SkuId, out var stock) ? stock.Product.PartNumber : l.SkuId.ToString())}, " +
            $"AccountId={tenantId}, SkuId={l.SkuId}, DisabledPlans=[{string.Join(", ", l.DisabledPlans)}]]"));
    }
}
