using System.Text.Json.Nodes;
using Skuld.Server.Graph.Query;
using Skuld.Server.Graph.Users;
using Skuld.Store.Directory;
using Skuld.Store.Licensing;

namespace Skuld.Server.Graph.Groups;

/// <summary>Writes groups, and directory objects of either kind, in Graph's shape.</summary>
public static class GroupJson
{
    public const string GroupType = "#microsoft.graph.group";
    public const string UserType = "#microsoft.graph.user";

    /// <summary>The selected properties that need the group's license rows.</summary>
    public static bool NeedsLicenses(IEnumerable<string> selected) => selected.Contains("assignedLicenses");

    /// <param name="licenses">The group's license rows; only read when <c>assignedLicenses</c> is selected.</param>
    public static JsonObject Write(Group group, IEnumerable<string> selected, IEnumerable<GroupLicense> licenses)
    {
        var json = new JsonObject();
        foreach (var name in selected)
        {
            json[name] = Property(group, name, licenses);
        }

        return json;
    }

    /// <summary>A group in a directoryObject collection: its type, then its default properties.</summary>
    public static JsonObject DirectoryObject(Group group)
    {
        var json = Write(group, GroupResource.DefaultProperties, []);
        json.Insert(0, "@odata.type", GroupType);
        return json;
    }

    /// <summary>A user in a directoryObject collection: its type, then its default properties.</summary>
    public static JsonObject DirectoryObject(User user)
    {
        var json = UserJson.Write(user, UserJson.DefaultProperties, UserLicenses.None);
        json.Insert(0, "@odata.type", UserType);
        return json;
    }

    private static JsonNode? Property(Group g, string name, IEnumerable<GroupLicense> licenses) => name switch
    {
        "id" => GraphJson.Id(g.Id),
        "displayName" => g.DisplayName,
        "description" => g.Description,
        "mailNickname" => g.MailNickname,
        "mailEnabled" => g.MailEnabled,
        "securityEnabled" => g.SecurityEnabled,
        "groupTypes" => Strings(g.GroupTypes),
        "mail" => g.Mail,
        "proxyAddresses" => Strings(g.ProxyAddresses),
        "createdDateTime" => g.CreatedDateTime.UtcDateTime,
        "assignedLicenses" => new JsonArray([.. licenses.OrderBy(l => l.SkuId).Select(AssignedLicense)]),
        "licenseProcessingState" => new JsonObject { ["state"] = g.LicenseProcessingState.ToString() },
        // A Graph group property Skuld does not keep reads as unset, as Graph returns it;
        // hasMembersWithLicenseErrors is never returned, only filtered on.
        _ => null,
    };

    public static JsonObject AssignedLicense(GroupLicense license) => new()
    {
        ["disabledPlans"] = new JsonArray([.. license.DisabledPlans.Select(p => (JsonNode?)GraphJson.Id(p))]),
        ["skuId"] = GraphJson.Id(license.SkuId),
    };

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode?)v)]);
}
