using System.Text.Json.Nodes;
using Skuld.Store.Recipients;

namespace Skuld.Server.Graph.Contacts;

/// <summary>An organisational contact in Graph's orgContact shape.</summary>
public static class ContactJson
{
    public static JsonObject Write(OrgContact c) => new()
    {
        ["id"] = GraphJson.Id(c.Id),
        ["addresses"] = new JsonArray(),
        ["companyName"] = c.CompanyName,
        ["department"] = c.Department,
        ["displayName"] = c.DisplayName,
        ["givenName"] = c.GivenName,
        ["jobTitle"] = c.JobTitle,
        ["mail"] = c.Mail,
        ["mailNickname"] = c.MailNickname,
        ["onPremisesLastSyncDateTime"] = null,
        ["onPremisesSyncEnabled"] = null,
        ["phones"] = new JsonArray(),
        ["proxyAddresses"] = new JsonArray([.. c.ProxyAddresses.Select(a => (JsonNode)JsonValue.Create(a))]),
        ["surname"] = c.Surname,
    };
}
