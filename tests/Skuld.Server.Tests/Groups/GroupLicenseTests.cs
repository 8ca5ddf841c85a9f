using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Skuld.Server.Graph.Groups;
using Skuld.Server.Tests.Infrastructure;
using Skuld.Testing;

namespace Skuld.Server.Tests.Groups;

/// <summary>A group's assignLicense (202), its licenses on $select, validation, and reprocessing.</summary>
public sealed class GroupLicenseTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory, AllStores]
    public async Task AssignLicense_answers_202_with_the_group_and_shows_on_select(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var kit = await GroupTestKit.StartAsync(server);
        var group = await kit.CreateGroupAsync("Licensed");
        var http = await kit.HttpAsync();

        var response = await http.PostAsync($"/v1.0/groups/{group.Id}/assignLicense", Json(new
        {
            addLicenses = new[] { new { skuId = GroupTestKit.SkuId, disabledPlans = new[] { GroupTestKit.ExtraPlanId } } },
            removeLicenses = Array.Empty<Guid>(),
        }), Cancel);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.EndsWith($"/v1.0/groups/{group.Id}", response.Headers.Location!.ToString());
        var body = await response.JsonAsync();
        Assert.Equal(group.Id, body.GetProperty("id").GetString());
        Assert.Equal("Licensed", body.GetProperty("displayName").GetString());

        // Through the SDK too: it reads the 202 body as the group.
        var returned = await kit.AssignAsync(group.Id!, GroupTestKit.SkuId, GroupTestKit.ExtraPlanId);
        Assert.Equal(group.Id, returned!.Id);

        var selected = await kit.Graph.Groups[group.Id].GetAsync(
            r => r.QueryParameters.Select = ["id", "assignedLicenses", "licenseProcessingState"], Cancel);
        var license = Assert.Single(selected!.AssignedLicenses!);
        Assert.Equal(GroupTestKit.SkuId, license.SkuId);
        Assert.Equal([GroupTestKit.ExtraPlanId], license.DisabledPlans!.Select(p => p!.Value));
        Assert.Contains(selected.LicenseProcessingState!.State, new[] { "QueuedForProcessing", "ProcessingInProgress", "ProcessingComplete" });

        // Not in the default projection.
        var plain = await kit.Graph.Groups[group.Id].GetAsync(cancellationToken: Cancel);
        Assert.Null(plain!.AssignedLicenses);
        Assert.Null(plain.LicenseProcessingState);

        // Adding the SKU again replaces its disabled plans.
        await kit.AssignAsync(group.Id!, GroupTestKit.SkuId);
        var replaced = await kit.Graph.Groups[group.Id].GetAsync(r => r.QueryParameters.Select = ["assignedLicenses"], Cancel);
        Assert.Empty(Assert.Single(replaced!.AssignedLicenses!).DisabledPlans!);

        await using var db = server.NewDb();
        var audit = await db.AuditEvents.Where(a => a.TenantId == kit.Tenant.Id && a.ActivityDisplayName == "Set group license")
            .ToListAsync(Cancel);
        Assert.Equal(3, audit.Count);
        Assert.All(audit, a => Assert.Equal("GroupManagement", a.Category));
        // The clock stands still in tests, so the events are told apart by their old value: only the first had none.
        var modified = audit
            .Select(a => JsonDocument.Parse(a.TargetResources).RootElement[0].GetProperty("modifiedProperties")[0])
            .Single(p => p.GetProperty("oldValue").GetString() == "[]");
        Assert.Equal("AssignedLicenses", modified.GetProperty("displayName").GetString());
        Assert.Contains(GroupTestKit.ExtraPlanId.ToString(), modified.GetProperty("newValue").GetString());
    }

    [Theory, AllStores]
    public async Task AssignLicense_refuses_what_a_user_assignLicense_refuses(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var kit = await GroupTestKit.StartAsync(server);
        var group = await kit.CreateGroupAsync("Licensed");
        var unknown = Guid.NewGuid();

        var error = await GroupTestKit.FailsAsync(() => kit.AssignAsync(group.Id!, unknown), 400, "Request_BadRequest");
        Assert.Equal($"License {unknown} does not correspond to a valid company License.", error.Error!.Message);

        var foreignPlan = Guid.NewGuid();
        error = await GroupTestKit.FailsAsync(() => kit.AssignAsync(group.Id!, GroupTestKit.SkuId, foreignPlan), 400, "Request_BadRequest");
        Assert.Equal($"Service plan {foreignPlan} does not belong to license {GroupTestKit.SkuId}.", error.Error!.Message);

        var http = await kit.HttpAsync();
        var missing = await http.PostAsync($"/v1.0/groups/{group.Id}/assignLicense", Json(new { addLicenses = Array.Empty<object>() }), Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Equal(
            "One or more parameters of the operation 'assignLicense' are missing from the request payload. The missing parameters are: removeLicenses.",
            (await missing.JsonAsync()).GetProperty("error").GetProperty("message").GetString());

        var selected = await kit.Graph.Groups[group.Id].GetAsync(r => r.QueryParameters.Select = ["assignedLicenses"], Cancel);
        Assert.Empty(selected!.AssignedLicenses!);
    }

    [Theory, AllStores]
    public async Task Microsoft_365_group_that_is_not_security_enabled_cannot_hold_licenses(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var kit = await GroupTestKit.StartAsync(server);
        var group = await kit.Graph.Groups.PostAsync(new Microsoft.Graph.Models.Group
        {
            DisplayName = "Team", MailNickname = "team", MailEnabled = true, SecurityEnabled = false, GroupTypes = ["Unified"],
        }, cancellationToken: Cancel);

        var error = await GroupTestKit.FailsAsync(() => kit.AssignAsync(group!.Id!, GroupTestKit.SkuId), 400, "Request_BadRequest");
        Assert.Equal(GroupLicenseEndpoints.NotSecurityEnabled, error.Error!.Message);

        var licensed = await kit.CreateGroupAsync("Licensed", unified: true);
        await kit.AssignAsync(licensed.Id!, GroupTestKit.SkuId);
        error = await GroupTestKit.FailsAsync(() => kit.Graph.Groups[licensed.Id].PatchAsync(
            new Microsoft.Graph.Models.Group { SecurityEnabled = false }, cancellationToken: Cancel), 400, "Request_BadRequest");
        Assert.Equal(GroupsEndpoints.LicensedGroupMustStaySecurityEnabled, error.Error!.Message);
    }

    [Theory, AllStores]
    public async Task User_reprocess_answers_the_user_and_group_reprocess_answers_202_or_problem_details(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var kit = await GroupTestKit.StartAsync(server);
        var ann = await server.AddUserAsync(kit.Tenant, "ann");
        var group = await kit.CreateGroupAsync("Licensed");

        var user = await kit.Graph.Users[ann.Id.ToString()].ReprocessLicenseAssignment.PostAsync(cancellationToken: Cancel);
        Assert.Equal(ann.Id.ToString(), user!.Id);
        await GroupTestKit.FailsAsync(
            () => kit.Graph.Users[Guid.NewGuid().ToString()].ReprocessLicenseAssignment.PostAsync(cancellationToken: Cancel), 404, "Request_ResourceNotFound");

        var http = await kit.HttpAsync();
        var accepted = await http.PostAsync($"/api/groups/{group.Id}/reprocess", null, Cancel);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal("QueuedForProcessing", (await accepted.JsonAsync()).GetProperty("licenseProcessingState").GetString());

        var missing = await http.PostAsync($"/api/groups/{Guid.NewGuid()}/reprocess", null, Cancel);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        var problem = await missing.JsonAsync();
        Assert.Equal("group_not_found", problem.GetProperty("code").GetString());
        Assert.Equal("urn:skuld:problem:group_not_found", problem.GetProperty("type").GetString());
    }

    private static StringContent Json(object body) =>
        new(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");
}
