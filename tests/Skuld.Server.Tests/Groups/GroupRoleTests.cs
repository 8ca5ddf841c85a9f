using System.Net;
using Skuld.Server.Tests.Infrastructure;
using Skuld.Store.Auth;
using Skuld.Testing;

namespace Skuld.Server.Tests.Groups;

/// <summary>Who may do what with groups (DESIGN.md "Roles", reference §3); refusals are 403 Authorization_RequestDenied.</summary>
public sealed class GroupRoleTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory, AllStores]
    public async Task Groups_administrator_manages_groups_members_and_group_licenses_but_not_user_licenses(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var kit = await GroupTestKit.StartAsync(server);
        var ann = await server.AddUserAsync(kit.Tenant, "ann");
        var graph = await kit.SignInAsync("groups", DirectoryRole.GroupsAdministrator);
        var as_ = kit.With(graph);

        var group = await as_.CreateGroupAsync("Sales");
        await as_.AddMemberAsync(group.Id!, ann.Id.ToString());
        await as_.AssignAsync(group.Id!, GroupTestKit.SkuId);
        Assert.Single((await graph.Groups.GetAsync(cancellationToken: Cancel))!.Value!);
        await graph.Groups[group.Id].Members[ann.Id.ToString()].Ref.DeleteAsync(cancellationToken: Cancel);
        await GroupTestKit.FailsAsync(
            () => graph.Users[ann.Id.ToString()].ReprocessLicenseAssignment.PostAsync(cancellationToken: Cancel), 403, "Authorization_RequestDenied");
    }

    [Theory, AllStores]
    public async Task License_administrator_licenses_groups_and_reprocesses_but_cannot_create_groups_or_change_members(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var kit = await GroupTestKit.StartAsync(server);
        var ann = await server.AddUserAsync(kit.Tenant, "ann");
        var group = await kit.CreateGroupAsync("Sales");
        var graph = await kit.SignInAsync("licenses", DirectoryRole.LicenseAdministrator);
        var as_ = kit.With(graph);

        await as_.AssignAsync(group.Id!, GroupTestKit.SkuId);
        await graph.Users[ann.Id.ToString()].ReprocessLicenseAssignment.PostAsync(cancellationToken: Cancel);
        await GroupTestKit.FailsAsync(() => as_.CreateGroupAsync("Nope"), 403, "Authorization_RequestDenied");
        await GroupTestKit.FailsAsync(() => as_.AddMemberAsync(group.Id!, ann.Id.ToString()), 403, "Authorization_RequestDenied");
        await GroupTestKit.FailsAsync(() => graph.Groups[group.Id].DeleteAsync(cancellationToken: Cancel), 403, "Authorization_RequestDenied");
    }

    [Theory, AllStores]
    public async Task Global_reader_reads_groups_and_members_and_changes_nothing(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var kit = await GroupTestKit.StartAsync(server);
        var ann = await server.AddUserAsync(kit.Tenant, "ann");
        var group = await kit.CreateGroupAsync("Sales");
        await kit.AddMemberAsync(group.Id!, ann.Id.ToString());
        await server.AddUserAsync(kit.Tenant, "reader", roles: DirectoryRole.GlobalReader);
        var token = await server.CreateClient().UserTokenAsync(kit.Tenant.Domain, "reader@contoso.com");
        var graph = await server.GraphAsync(kit.Tenant.Domain, "reader@contoso.com");
        var as_ = kit.With(graph);

        Assert.Single((await graph.Groups.GetAsync(cancellationToken: Cancel))!.Value!);
        Assert.Single((await graph.Groups[group.Id].Members.GetAsync(cancellationToken: Cancel))!.Value!);
        Assert.Single((await graph.Users[ann.Id.ToString()].MemberOf.GetAsync(cancellationToken: Cancel))!.Value!);
        Assert.Empty((await graph.Groups[group.Id].MembersWithLicenseErrors.GetAsync(cancellationToken: Cancel))!.Value!);

        await GroupTestKit.FailsAsync(() => as_.CreateGroupAsync("Nope"), 403, "Authorization_RequestDenied");
        await GroupTestKit.FailsAsync(() => graph.Groups[group.Id].PatchAsync(new Microsoft.Graph.Models.Group { DisplayName = "x" }, cancellationToken: Cancel), 403, "Authorization_RequestDenied");
        await GroupTestKit.FailsAsync(() => as_.AddMemberAsync(group.Id!, ann.Id.ToString()), 403, "Authorization_RequestDenied");
        await GroupTestKit.FailsAsync(() => graph.Groups[group.Id].Members[ann.Id.ToString()].Ref.DeleteAsync(cancellationToken: Cancel), 403, "Authorization_RequestDenied");
        await GroupTestKit.FailsAsync(() => as_.AssignAsync(group.Id!, GroupTestKit.SkuId), 403, "Authorization_RequestDenied");
        await GroupTestKit.FailsAsync(() => graph.Users[ann.Id.ToString()].ReprocessLicenseAssignment.PostAsync(cancellationToken: Cancel), 403, "Authorization_RequestDenied");
        await GroupTestKit.FailsAsync(() => graph.Groups[group.Id].DeleteAsync(cancellationToken: Cancel), 403, "Authorization_RequestDenied");
        var reprocess = await server.CreateClient(token).PostAsync($"/api/groups/{group.Id}/reprocess", null, Cancel);
        Assert.Equal(HttpStatusCode.Forbidden, reprocess.StatusCode);
    }
}
