using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Skuld.Server.Tests.Infrastructure;
using Skuld.Store.Auth;
using Skuld.Testing;

namespace Skuld.Server.Tests.Groups;

/// <summary>
/// Nested group licensing (beyond Entra) end to end: the tenant setting on <c>/api/tenant/settings</c>,
/// memberships through the Graph SDK, and the server's own worker. Off (the default), members of a
/// subgroup inherit nothing, as in Entra; on, they inherit with <c>assignedByGroup</c> the licensed group.
/// </summary>
public sealed class NestedGroupLicensingTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private sealed record Row(string? State, string? Error, string? AssignedByGroup);

    [Theory, AllStores]
    public async Task Off_by_default_members_of_a_subgroup_inherit_nothing_as_in_entra(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var kit = await GroupTestKit.StartAsync(server);
        var http = await kit.HttpAsync();
        Assert.Equal("""{"nestedGroupLicensing":false}""", await (await http.GetAsync("/api/tenant/settings", Cancel)).Content.ReadAsStringAsync(Cancel));
        var (licensed, sub) = (await kit.CreateGroupAsync("Licensed"), await kit.CreateGroupAsync("Sub"));
        var (direct, below) = (await server.AddUserAsync(kit.Tenant, "direct"), await server.AddUserAsync(kit.Tenant, "below"));
        await kit.AddMemberAsync(licensed.Id!, direct.Id.ToString());
        await kit.AddMemberAsync(licensed.Id!, sub.Id!);
        await kit.AddMemberAsync(sub.Id!, below.Id.ToString());

        await kit.AssignAsync(licensed.Id!, GroupTestKit.SkuId);
        await WaitIdleAsync(server, kit);
        // Joining the subgroup of a licensed group afterwards changes nothing either.
        var late = await server.AddUserAsync(kit.Tenant, "late");
        await kit.AddMemberAsync(sub.Id!, late.Id.ToString());
        await WaitIdleAsync(server, kit);

        Assert.Equal([new Row("Active", "None", licensed.Id)], await StatesAsync(kit, direct));
        Assert.Empty(await StatesAsync(kit, below));
        Assert.Empty(await StatesAsync(kit, late));
        Assert.Equal(1, await ConsumedAsync(kit));
    }

    [Theory, AllStores]
    public async Task On_users_two_levels_down_inherit_once_with_assigned_by_group_the_licensed_group(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var kit = await GroupTestKit.StartAsync(server);
        var http = await kit.HttpAsync();
        Assert.Equal("""{"nestedGroupLicensing":true,"changed":true}""", await SetAsync(http, true, HttpStatusCode.OK));
        var (licensed, middle, bottom) = (await kit.CreateGroupAsync("Licensed"), await kit.CreateGroupAsync("Middle"), await kit.CreateGroupAsync("Bottom"));
        var (deep, twice) = (await server.AddUserAsync(kit.Tenant, "deep"), await server.AddUserAsync(kit.Tenant, "twice"));
        await kit.AddMemberAsync(licensed.Id!, middle.Id!);
        await kit.AddMemberAsync(middle.Id!, bottom.Id!);
        await kit.AddMemberAsync(bottom.Id!, deep.Id.ToString());
        await kit.AddMemberAsync(bottom.Id!, twice.Id.ToString());
        await kit.AddMemberAsync(licensed.Id!, twice.Id.ToString());

        await kit.AssignAsync(licensed.Id!, GroupTestKit.SkuId);
        await WaitIdleAsync(server, kit);

        Assert.Equal([new Row("Active", "None", licensed.Id)], await StatesAsync(kit, deep));
        // Two paths to the licensed group, one row and one seat.
        Assert.Equal([new Row("Active", "None", licensed.Id)], await StatesAsync(kit, twice));
        Assert.Equal(2, await ConsumedAsync(kit));
        var read = await kit.Graph.Users[deep.Id.ToString()].GetAsync(r => r.QueryParameters.Select = ["assignedLicenses"], Cancel);
        Assert.Equal([GroupTestKit.SkuId], read!.AssignedLicenses!.Select(l => l.SkuId));

        // A membership change deep down is applied to that user alone, through the same licensed group.
        var late = await server.AddUserAsync(kit.Tenant, "late");
        await kit.AddMemberAsync(bottom.Id!, late.Id.ToString());
        await WaitIdleAsync(server, kit);
        Assert.Equal([new Row("Active", "None", licensed.Id)], await StatesAsync(kit, late));
        await kit.Graph.Groups[bottom.Id].Members[late.Id.ToString()].Ref.DeleteAsync(cancellationToken: Cancel);
        await WaitIdleAsync(server, kit);
        Assert.Empty(await StatesAsync(kit, late));
        Assert.Equal(2, await ConsumedAsync(kit));
    }

    [Theory, AllStores]
    public async Task A_cycle_of_groups_is_processed_to_the_end_with_one_row_per_user(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var kit = await GroupTestKit.StartAsync(server);
        await SetAsync(await kit.HttpAsync(), true, HttpStatusCode.OK);
        var (a, b) = (await kit.CreateGroupAsync("A"), await kit.CreateGroupAsync("B"));
        var (inA, inB) = (await server.AddUserAsync(kit.Tenant, "ina"), await server.AddUserAsync(kit.Tenant, "inb"));
        await kit.AddMemberAsync(a.Id!, b.Id!);
        await kit.AddMemberAsync(b.Id!, a.Id!);
        await kit.AddMemberAsync(a.Id!, inA.Id.ToString());
        await kit.AddMemberAsync(b.Id!, inB.Id.ToString());

        await kit.AssignAsync(a.Id!, GroupTestKit.SkuId);
        await WaitIdleAsync(server, kit);

        var group = await kit.Graph.Groups[a.Id].GetAsync(r => r.QueryParameters.Select = ["licenseProcessingState"], Cancel);
        Assert.Equal("ProcessingComplete", group!.LicenseProcessingState!.State);
        Assert.Equal([new Row("Active", "None", a.Id)], await StatesAsync(kit, inA));
        Assert.Equal([new Row("Active", "None", a.Id)], await StatesAsync(kit, inB));
        Assert.Equal(2, await ConsumedAsync(kit));
    }

    [Theory, AllStores]
    public async Task Removing_the_subgroup_from_the_licensed_group_removes_the_inherited_licenses(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var kit = await GroupTestKit.StartAsync(server);
        await SetAsync(await kit.HttpAsync(), true, HttpStatusCode.OK);
        var (licensed, sub) = (await kit.CreateGroupAsync("Licensed"), await kit.CreateGroupAsync("Sub"));
        var (direct, below) = (await server.AddUserAsync(kit.Tenant, "direct"), await server.AddUserAsync(kit.Tenant, "below"));
        await kit.AddMemberAsync(licensed.Id!, direct.Id.ToString());
        await kit.AddMemberAsync(licensed.Id!, sub.Id!);
        await kit.AddMemberAsync(sub.Id!, below.Id.ToString());
        await kit.AssignAsync(licensed.Id!, GroupTestKit.SkuId);
        await WaitIdleAsync(server, kit);
        Assert.Equal([new Row("Active", "None", licensed.Id)], await StatesAsync(kit, below));

        await kit.Graph.Groups[licensed.Id].Members[sub.Id].Ref.DeleteAsync(cancellationToken: Cancel);
        await WaitIdleAsync(server, kit);

        Assert.Empty(await StatesAsync(kit, below));
        Assert.Equal([new Row("Active", "None", licensed.Id)], await StatesAsync(kit, direct));
        Assert.Equal(1, await ConsumedAsync(kit));

        // Put back, then delete the subgroup itself: its members lose what they inherited through it.
        await kit.AddMemberAsync(licensed.Id!, sub.Id!);
        await WaitIdleAsync(server, kit);
        Assert.Equal([new Row("Active", "None", licensed.Id)], await StatesAsync(kit, below));
        await kit.Graph.Groups[sub.Id].DeleteAsync(cancellationToken: Cancel);
        await WaitIdleAsync(server, kit);
        Assert.Empty(await StatesAsync(kit, below));
        Assert.Equal(1, await ConsumedAsync(kit));
    }

    [Theory, AllStores]
    public async Task Turning_the_setting_on_and_off_gives_and_takes_the_inherited_licenses_and_is_audited(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var kit = await GroupTestKit.StartAsync(server);
        var http = await kit.HttpAsync();
        var (licensed, sub) = (await kit.CreateGroupAsync("Licensed"), await kit.CreateGroupAsync("Sub"));
        var (direct, below) = (await server.AddUserAsync(kit.Tenant, "direct"), await server.AddUserAsync(kit.Tenant, "below"));
        await kit.AddMemberAsync(licensed.Id!, direct.Id.ToString());
        await kit.AddMemberAsync(licensed.Id!, sub.Id!);
        await kit.AddMemberAsync(sub.Id!, below.Id.ToString());
        await kit.AssignAsync(licensed.Id!, GroupTestKit.SkuId);
        await WaitIdleAsync(server, kit);
        Assert.Empty(await StatesAsync(kit, below));

        Assert.Equal("""{"nestedGroupLicensing":true,"changed":true}""", await SetAsync(http, true, HttpStatusCode.OK));
        await WaitIdleAsync(server, kit);
        Assert.Equal([new Row("Active", "None", licensed.Id)], await StatesAsync(kit, below));
        Assert.Equal(2, await ConsumedAsync(kit));
        Assert.Equal("""{"nestedGroupLicensing":true}""", await (await http.GetAsync("/api/tenant/settings", Cancel)).Content.ReadAsStringAsync(Cancel));

        // The same value again is no change: nothing audited, nothing queued.
        Assert.Equal("""{"nestedGroupLicensing":true,"changed":false}""", await SetAsync(http, true, HttpStatusCode.OK));
        Assert.Equal("""{"nestedGroupLicensing":false,"changed":true}""", await SetAsync(http, false, HttpStatusCode.OK));
        await WaitIdleAsync(server, kit);
        Assert.Empty(await StatesAsync(kit, below));
        Assert.Equal([new Row("Active", "None", licensed.Id)], await StatesAsync(kit, direct));
        Assert.Equal(1, await ConsumedAsync(kit));

        var audits = await kit.Graph.AuditLogs.DirectoryAudits.GetAsync(
            r => r.QueryParameters.Filter = "activityDisplayName eq 'Set company information'", Cancel);
        Assert.Equal(2, audits!.Value!.Count);
        Assert.All(audits.Value, e =>
        {
            Assert.Equal("DirectoryManagement", e.Category);
            Assert.Equal($"admin@{kit.Tenant.Domain}", e.InitiatedBy!.User!.UserPrincipalName);
            Assert.Equal("NestedGroupLicensing", Assert.Single(Assert.Single(e.TargetResources!).ModifiedProperties!).DisplayName);
        });
        Assert.Equal(["false", "true"], audits.Value.Select(e => e.TargetResources![0].ModifiedProperties![0].NewValue).Order());
    }

    [Theory, AllStores]
    public async Task Only_global_and_license_administrators_may_change_the_setting(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var kit = await GroupTestKit.StartAsync(server);
        async Task<HttpClient> SignedInAsync(string name, DirectoryRole role)
        {
            await server.AddUserAsync(kit.Tenant, name, roles: role);
            return server.CreateClient(await server.CreateClient().UserTokenAsync(kit.Tenant.Domain, $"{name}@{kit.Tenant.Domain}"));
        }

        foreach (var (name, role) in ((string, DirectoryRole)[])[
            ("users", DirectoryRole.UserAdministrator), ("groups", DirectoryRole.GroupsAdministrator), ("reader", DirectoryRole.GlobalReader)])
        {
            var client = await SignedInAsync(name, role);
            await SetAsync(client, true, HttpStatusCode.Forbidden);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/tenant/settings", Cancel)).StatusCode);
        }
        var reports = await SignedInAsync("reports", DirectoryRole.ReportsReader);
        Assert.Equal(HttpStatusCode.Forbidden, (await reports.GetAsync("/api/tenant/settings", Cancel)).StatusCode);
        await AssertUnchangedAsync(server, kit);

        var licenses = await SignedInAsync("licenses", DirectoryRole.LicenseAdministrator);
        Assert.Equal("""{"nestedGroupLicensing":true,"changed":true}""", await SetAsync(licenses, true, HttpStatusCode.OK));
    }

    [Theory, AllStores]
    public async Task Bad_settings_bodies_are_refused_with_problem_details_and_change_nothing(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var kit = await GroupTestKit.StartAsync(server);
        var http = await kit.HttpAsync();
        foreach (var (body, code) in ((string, string)[])[
            ("", "invalid_body"), ("not json", "invalid_body"), ("[true]", "invalid_body"), ("{\"nestedGroupLicensing\":", "invalid_body"),
            ("{}", "invalid_setting"), ("{\"nestedGroupLicensing\":\"on\"}", "invalid_setting"), ("{\"nestedGroupLicensing\":null}", "invalid_setting"),
            ("{\"nestedGroupLicensing\":true,\"other\":1}", "unknown_setting"), (new string(' ', 5000) + "{}", "invalid_body")])
        {
            var response = await http.PatchAsync("/api/tenant/settings", new StringContent(body, Encoding.UTF8, "application/json"), Cancel);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.JsonAsync();
            Assert.Equal(code, problem.GetProperty("code").GetString());
            Assert.Equal($"urn:skuld:problem:{code}", problem.GetProperty("type").GetString());
        }

        var invalidUtf8 = new ByteArrayContent([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x74, 0x72, 0x75, 0x65, 0x7d]);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.PatchAsync("/api/tenant/settings", invalidUtf8, Cancel)).StatusCode);
        await AssertUnchangedAsync(server, kit);
    }

    /// <summary>Still off, nothing audited, nothing queued.</summary>
    private static async Task AssertUnchangedAsync(SkuldServer server, GroupTestKit kit)
    {
        await using var db = server.NewDb();
        Assert.False(await db.Tenants.Where(t => t.Id == kit.Tenant.Id).Select(t => t.NestedGroupLicensing).SingleAsync(Cancel));
        Assert.False(await db.AuditEvents.AnyAsync(e => e.TenantId == kit.Tenant.Id && e.ActivityDisplayName == "Set company information", Cancel));
        Assert.False(await db.LicenseWorkItems.AnyAsync(w => w.TenantId == kit.Tenant.Id, Cancel));
    }

    /// <summary>PATCHes the setting, checks the status, and returns the body.</summary>
    private static async Task<string> SetAsync(HttpClient http, bool on, HttpStatusCode expected)
    {
        var response = await http.PatchAsync("/api/tenant/settings",
            new StringContent($$"""{"nestedGroupLicensing":{{(on ? "true" : "false")}}}""", Encoding.UTF8, "application/json"), Cancel);
        var body = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.StatusCode == expected, $"{response.StatusCode}: {body}");
        return body;
    }

    private static async Task<List<Row>> StatesAsync(GroupTestKit kit, Skuld.Store.Directory.User user)
    {
        var read = await kit.Graph.Users[user.Id.ToString()].GetAsync(r => r.QueryParameters.Select = ["id", "licenseAssignmentStates"], Cancel);
        return [.. read!.LicenseAssignmentStates!.Select(s => new Row(s.State, s.Error, s.AssignedByGroup))];
    }

    private static async Task<int?> ConsumedAsync(GroupTestKit kit) =>
        (await kit.Graph.SubscribedSkus.GetAsync(cancellationToken: Cancel))!.Value!.Single(s => s.SkuId == GroupTestKit.SkuId).ConsumedUnits;

    /// <summary>
    /// Work is enqueued in the transaction of the change that causes it, so once the tenant has no work
    /// item left, every change made so far is processed. Polls for 30 s at most.
    /// </summary>
    private static async Task WaitIdleAsync(SkuldServer server, GroupTestKit kit)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            await using (var db = server.NewDb())
            {
                if (!await db.LicenseWorkItems.AnyAsync(w => w.TenantId == kit.Tenant.Id, Cancel))
                {
                    return;
                }
            }
            Assert.True(DateTime.UtcNow < deadline, "license processing did not finish within 30 s");
            await Task.Delay(50, Cancel);
        }
    }
}
