using System.Text.Json;
using Skuld.Server.Tests.Infrastructure;
using Skuld.Testing;

namespace Skuld.Server.Tests.Audit;

/// <summary>The exact JSON of a directoryAudit on the wire (reference §1.8), read without the SDK.</summary>
public sealed class DirectoryAuditWireTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory, AllStores]
    public async Task A_directory_audit_has_graphs_property_names_and_nesting(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var s = await AuditScenario.RunAsync(server);
        var http = server.CreateClient(await server.CreateClient().UserTokenAsync(AuditScenario.Domain, $"reports@{AuditScenario.Domain}"));

        var filter = Uri.EscapeDataString($"activityDateTime eq {s.At(2).UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}");
        var body = await (await http.GetAsync($"/v1.0/auditLogs/directoryAudits?$filter={filter}", Ct)).JsonAsync();

        Assert.Equal("https://graph.microsoft.com/v1.0/$metadata#auditLogs/directoryAudits", body.GetProperty("@odata.context").GetString());
        var audit = Assert.Single(body.GetProperty("value").EnumerateArray());
        Assert.Equal(
            ["id", "category", "correlationId", "result", "resultReason", "activityDisplayName", "activityDateTime",
             "loggedByService", "operationType", "initiatedBy", "targetResources", "additionalDetails"],
            audit.EnumerateObject().Select(p => p.Name));
        Assert.Equal("success", audit.GetProperty("result").GetString());
        Assert.Equal(JsonValueKind.Null, audit.GetProperty("resultReason").ValueKind);
        Assert.Equal(JsonValueKind.Null, audit.GetProperty("initiatedBy").GetProperty("app").ValueKind);
        var user = audit.GetProperty("initiatedBy").GetProperty("user");
        Assert.Equal(
            ["id", "displayName", "userPrincipalName", "ipAddress", "userType", "homeTenantId", "homeTenantName"],
            user.EnumerateObject().Select(p => p.Name));
        var target = Assert.Single(audit.GetProperty("targetResources").EnumerateArray());
        Assert.Equal(["id", "displayName", "type", "userPrincipalName", "groupType", "modifiedProperties"], target.EnumerateObject().Select(p => p.Name));
        var property = target.GetProperty("modifiedProperties").EnumerateArray().First();
        Assert.Equal(["displayName", "oldValue", "newValue"], property.EnumerateObject().Select(p => p.Name));

        var id = audit.GetProperty("id").GetString();
        var one = await (await http.GetAsync($"/v1.0/auditLogs/directoryAudits/{id}", Ct)).JsonAsync();
        Assert.Equal("https://graph.microsoft.com/v1.0/$metadata#auditLogs/directoryAudits/$entity", one.GetProperty("@odata.context").GetString());
        Assert.Equal(audit.GetProperty("targetResources").GetRawText(), one.GetProperty("targetResources").GetRawText());
    }
}
