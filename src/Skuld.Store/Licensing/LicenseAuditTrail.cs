using System.Collections.Immutable;
using System.Text.Json;
using Skuld.Licensing.Engine;
using Skuld.Store.Audit;
using Skuld.Store.Directory;
using Skuld.Store.Recipients;

namespace Skuld.Store.Licensing;

/// <summary>
/// The audit events of a user's license change, in Entra's shape: <c>Change user license</c> and its
/// companion <c>Update user</c> with <c>AssignedLicense</c> / <c>AssignedPlan</c> old and new values.
/// </summary>
internal static class LicenseAuditTrail
{
    public const string ChangeUserLicense = "Change user license";
    public const string UpdateUser = "Update user";
    private const string UserManagement = "UserManagement";

    public static IEnumerable<AuditEvent> Changed(
        Guid tenantId, User user, TenantSnapshot tenant,
        ImmutableArray<EffectiveLicense> before, ImmutableArray<EffectiveLicense> after,
        Actor actor, Guid correlationId, DateTimeOffset at)
    {
        var licenses = new ModifiedProperty("AssignedLicense", Licenses(tenantId, tenant, before), Licenses(tenantId, tenant, after));
        var plans = new ModifiedProperty("AssignedPlan", Plans(before, at), Plans(after, at));
        var included = new ModifiedProperty("Included Updated Properties", null, "\"AssignedLicense, AssignedPlan\"");
        yield return AuditRecord.Create(tenantId, actor, ChangeUserLicense, UserManagement, "Update", correlationId, at, [Target(user, [licenses])]);
        yield return AuditRecord.Create(tenantId, actor, UpdateUser, UserManagement, "Update", correlationId, at, [Target(user, [licenses, plans, included])]);
    }

    /// <summary>A refused change, kept so the troubleshooting assistant can find the exact failure later.</summary>
    public static AuditEvent Refused(
        Guid tenantId, User user, DirectFailure failure, AddressConflict? conflict, Actor actor, Guid correlationId, DateTimeOffset at)
    {
        List<KeyValuePair<string, string>> details = [new("FailureCode", failure.Code.ToString())];
        if (failure.SkuId is { } skuId)
        {
            details.Add(new("SkuId", skuId.ToString()));
        }

        if (!failure.PlanIds.IsDefaultOrEmpty)
        {
            details.Add(new("ServicePlanIds", string.Join(",", failure.PlanIds)));
        }

        if (failure.UsageLocation is { } location)
        {
            details.Add(new("UsageLocation", location));
        }

        if (conflict is not null)
        {
            details.AddRange(conflict.AuditDetails());
        }

        return AuditRecord.Create(tenantId, actor, ChangeUserLicense, UserManagement, "Update", correlationId, at, [Target(user, [])],
            failureReason: failure.Code.ToString(), additionalDetails: details);
    }

    private static AuditTarget Target(User user, IReadOnlyList<ModifiedProperty> properties) =>
        new(user.Id, "User", user.DisplayName, user.UserPrincipalName, properties);

    // Entra writes each license as "[SkuName=…, AccountId=…, SkuId=…, DisabledPlans=[…]]" inside a JSON array.
    private static string Licenses(Guid tenantId, TenantSnapshot tenant, ImmutableArray<EffectiveLicense> licenses) =>
        AuditRecord.Value(licenses.Select(l =>
            $"[SkuName={PartNumber(tenant, l.SkuId)}, AccountId={tenantId}, SkuId={l.SkuId}, DisabledPlans=[{string.Join(", ", l.DisabledPlans)}]]"));

    // PascalCase names, as Entra writes them.
    private static string Plans(ImmutableArray<EffectiveLicense> licenses, DateTimeOffset at) =>
        JsonSerializer.Serialize(licenses.SelectMany(l => l.EnabledPlans.Select(planId => new
        {
            SubscribedPlanId = planId,
            ServiceInstance = (string?)null,
            CapabilityStatus = 0,
            AssignedTimestamp = at,
            InitialState = (string?)null,
            Capability = (string?)null,
            ServicePlanId = planId,
        })));

    private static string PartNumber(TenantSnapshot tenant, Guid skuId) =>
        tenant.Skus.TryGetValue(skuId, out var stock) ? stock.Product.PartNumber : skuId.ToString();
}
