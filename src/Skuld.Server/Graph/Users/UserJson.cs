using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Skuld.Licensing.Catalogue;
using Skuld.Licensing.Engine;
using Skuld.Store.Directory;
using Skuld.Store.Licensing;

namespace Skuld.Server.Graph.Users;

/// <summary>A user's license rows and what they add up to, for the license properties of a user.</summary>
public sealed record UserLicenses(
    IReadOnlyList<LicenseAssignment> Rows,
    ImmutableArray<EffectiveLicense> Effective,
    Func<Guid, Product?> FindProduct)
{
    public static readonly UserLicenses None = new([], [], _ => null);
}

/// <summary>Writes a user in Graph's shape, limited to the selected properties.</summary>
public static class UserJson
{
    /// <summary>The properties Graph returns when there is no <c>$select</c>.</summary>
    public static readonly ImmutableArray<string> DefaultProperties =
    [
        "businessPhones", "displayName", "givenName", "jobTitle", "mail", "mobilePhone",
        "officeLocation", "preferredLanguage", "surname", "userPrincipalName", "id",
    ];

    /// <summary>The selected properties that need the user's license rows.</summary>
    public static bool NeedsLicenses(IEnumerable<string> selected) =>
        selected.Any(p => p is "assignedLicenses" or "assignedPlans" or "licenseAssignmentStates" or "provisionedPlans");

    public static JsonObject Write(User user, IEnumerable<string> selected, UserLicenses licenses)
    {
        var json = new JsonObject();
        foreach (var name in selected)
        {
            json[name] = Property(user, name, licenses);
        }

        return json;
    }

    private static JsonNode? Property(User u, string name, UserLicenses licenses) => name switch
    {
        "id" => GraphJson.Id(u.Id),
        "userPrincipalName" => u.UserPrincipalName,
        "displayName" => u.DisplayName,
        "givenName" => u.GivenName,
        "surname" => u.Surname,
        "jobTitle" => u.JobTitle,
        "department" => u.Department,
        "companyName" => u.CompanyName,
        "country" => u.Country,
        "city" => u.City,
        "officeLocation" => u.OfficeLocation,
        "employeeId" => u.EmployeeId,
        "mail" => u.Mail,
        "mailNickname" => u.MailNickname,
        "usageLocation" => u.UsageLocation,
        "accountEnabled" => u.AccountEnabled,
        "userType" => u.UserType,
        "createdDateTime" => u.CreatedDateTime.UtcDateTime,
        "otherMails" => Strings(u.OtherMails),
        "proxyAddresses" => Strings(u.ProxyAddresses),
        "businessPhones" => new JsonArray(),
        "imAddresses" => new JsonArray(),
        "assignedLicenses" => new JsonArray([.. licenses.Effective.Select(AssignedLicense)]),
        "assignedPlans" => AssignedPlans(licenses),
        "provisionedPlans" => ProvisionedPlans(licenses),
        "licenseAssignmentStates" => new JsonArray([.. licenses.Rows.OrderBy(r => r.SkuId).ThenBy(r => r.SourceId).Select(State)]),
        // A Graph user property Skuld does not keep reads as unset, as Graph returns it.
        _ => null,
    };

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode?)v)]);

    private static JsonArray Guids(IEnumerable<Guid> values) => new([.. values.Select(v => (JsonNode?)GraphJson.Id(v))]);

    public static JsonObject AssignedLicense(EffectiveLicense license) => new()
    {
        ["disabledPlans"] = Guids(license.DisabledPlans),
        ["skuId"] = GraphJson.Id(license.SkuId),
    };

    private static JsonObject State(LicenseAssignment row) => new()
    {
        ["assignedByGroup"] = row.SourceId == LicenseAssignment.Direct ? null : GraphJson.Id(row.SourceId),
        ["disabledPlans"] = Guids(row.DisabledPlans),
        ["error"] = row.Error.ToString(),
        ["lastUpdatedDateTime"] = row.LastUpdatedDateTime.UtcDateTime,
        ["skuId"] = GraphJson.Id(row.SkuId),
        ["state"] = row.State.ToString(),
    };

    private static JsonArray AssignedPlans(UserLicenses licenses)
    {
        var plans = new JsonArray();
        foreach (var license in licenses.Effective)
        {
            var product = licenses.FindProduct(license.SkuId);
            var since = licenses.Rows.Where(r => r.SkuId == license.SkuId).Min(r => r.AssignedDateTime);
            foreach (var planId in license.EnabledPlans)
            {
                var plan = product?.Plans.FirstOrDefault(p => p.Id == planId);
                plans.Add(new JsonObject
                {
                    ["assignedDateTime"] = since.UtcDateTime,
                    ["capabilityStatus"] = "Enabled",
                    ["service"] = plan is null ? null : ServiceNames.Of(plan.Name),
                    ["servicePlanId"] = GraphJson.Id(planId),
                });
            }
        }

        return plans;
    }

    private static JsonArray ProvisionedPlans(UserLicenses licenses)
    {
        var plans = new JsonArray();
        foreach (var license in licenses.Effective)
        {
            var product = licenses.FindProduct(license.SkuId);
            foreach (var planId in license.EnabledPlans)
            {
                var plan = product?.Plans.FirstOrDefault(p => p.Id == planId);
                plans.Add(new JsonObject
                {
                    ["capabilityStatus"] = "Enabled",
                    ["provisioningStatus"] = "Success",
                    ["service"] = plan is null ? null : ServiceNames.Of(plan.Name),
                });
            }
        }

        return plans;
    }
}
