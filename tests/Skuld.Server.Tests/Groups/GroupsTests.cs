using Microsoft.EntityFrameworkCore;
using Skuld.Server.Graph.Groups;
using Skuld.Server.Tests.Infrastructure;
using Skuld.Testing;
using GraphGroup = Microsoft.Graph.Models.Group;

namespace Skuld.Server.Tests.Groups;

/// <summary>Graph v1.0 groups through the official SDK: create, read, update, delete, filters, audit.</summary>
public sealed class GroupsTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory, AllStores]
    public async Task Group_is_created_read_updated_and_deleted_with_audit_events(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var kit = await GroupTestKit.StartAsync(server);

        var created = await kit.CreateGroupAsync("Sales Team");
        Assert.True(created.SecurityEnabled);
        Assert.False(created.MailEnabled);
        Assert.Empty(created.GroupTypes!);
        Assert.Null(created.Mail);

        var unified = await kit.CreateGroupAsync("Marketing", unified: true);
        Assert.Equal(["Unified"], unified.GroupTypes!);
        Assert.Equal("Marketing@contoso.com", unified.Mail);
        Assert.Equal(["SMTP:Marketing@contoso.com"], unified.ProxyAddresses!);

        await kit.Graph.Groups[created.Id].PatchAsync(new GraphGroup { DisplayName = "Sales", Description = "All of sales" }, cancellationToken: Cancel);
        var read = await kit.Graph.Groups[created.Id].GetAsync(cancellationToken: Cancel);
        Assert.Equal("Sales", read!.DisplayName);
        Assert.Equal("All of sales", read.Description);

        var listed = await kit.Graph.Groups.GetAsync(r => r.QueryParameters.Filter = "startswith(displayName,'sal')", Cancel);
        Assert.Equal([created.Id], listed!.Value!.Select(g => g.Id));

        await kit.Graph.Groups[created.Id].DeleteAsync(cancellationToken: Cancel);
        await GroupTestKit.FailsAsync(() => kit.Graph.Groups[created.Id].GetAsync(cancellationToken: Cancel), 404, "Request_ResourceNotFound");

        await using var db = server.NewDb();
        var activities = await db.AuditEvents.Where(a => a.TenantId == kit.Tenant.Id && a.Category == "GroupManagement")
            .Select(a => a.ActivityDisplayName).ToListAsync(Cancel);
        Assert.Equal(["Add group", "Add group", "Delete group", "Update group"], activities.Order());
    }

    [Theory, AllStores]
    public async Task Create_without_required_property_or_as_mail_enabled_security_group_fails(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var kit = await GroupTestKit.StartAsync(server);

        var missing = await GroupTestKit.FailsAsync(() => kit.Graph.Groups.PostAsync(
            new GraphGroup { DisplayName = "x", MailEnabled = false, SecurityEnabled = true }, cancellationToken: Cancel), 400, "Request_BadRequest");
        Assert.Equal("Invalid value specified for property 'mailNickname' of resource 'Group'.", missing.Error!.Message);

        await GroupTestKit.FailsAsync(() => kit.Graph.Groups.PostAsync(
            new GraphGroup { DisplayName = "x", MailNickname = "x", MailEnabled = true, SecurityEnabled = true, GroupTypes = [] },
            cancellationToken: Cancel), 400, "Request_BadRequest");
    }

    [Theory, AllStores]
    public async Task Filter_finds_groups_by_assigned_license(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var kit = await GroupTestKit.StartAsync(server);
        var licensed = await kit.CreateGroupAsync("Licensed");
        await kit.CreateGroupAsync("Plain");
        await kit.AssignAsync(licensed.Id!, GroupTestKit.SkuId);

        var bySku = await kit.Graph.Groups.GetAsync(r => r.QueryParameters.Filter = $"assignedLicenses/any(s:s/skuId eq {GroupTestKit.SkuId})", Cancel);
        Assert.Equal([licensed.Id], bySku!.Value!.Select(g => g.Id));
        var other = await kit.Graph.Groups.GetAsync(r => r.QueryParameters.Filter = $"assignedLicenses/any(s:s/skuId eq {Guid.NewGuid()})", Cancel);
        Assert.Empty(other!.Value!);
    }

    [Theory, AllStores]
    public async Task Licensed_group_cannot_be_deleted_until_its_licenses_are_removed(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var kit = await GroupTestKit.StartAsync(server);
        var group = await kit.CreateGroupAsync("Licensed");
        await kit.AssignAsync(group.Id!, GroupTestKit.SkuId);

        var refused = await GroupTestKit.FailsAsync(() => kit.Graph.Groups[group.Id].DeleteAsync(cancellationToken: Cancel), 400, "Request_BadRequest");
        Assert.Equal(GroupsEndpoints.LicensedGroupDeleteRefused, refused.Error!.Message);
        Assert.NotNull(await kit.Graph.Groups[group.Id].GetAsync(cancellationToken: Cancel));

        await kit.Graph.Groups[group.Id].AssignLicense.PostAsync(new Microsoft.Graph.Groups.Item.AssignLicense.AssignLicensePostRequestBody
        {
            AddLicenses = [],
            RemoveLicenses = [GroupTestKit.SkuId],
        }, cancellationToken: Cancel);
        await kit.Graph.Groups[group.Id].DeleteAsync(cancellationToken: Cancel);
        await GroupTestKit.FailsAsync(() => kit.Graph.Groups[group.Id].GetAsync(cancellationToken: Cancel), 404, "Request_ResourceNotFound");
    }

    [Theory, AllStores]
    public async Task Another_tenants_group_does_not_exist_for_the_caller(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var kit = await GroupTestKit.StartAsync(server);
        var other = await GroupTestKit.StartAsync(server, "fabrikam.com");
        var theirs = await other.CreateGroupAsync("Theirs");
        var theirUser = await server.AddUserAsync(other.Tenant, "bob");
        var mine = await kit.CreateGroupAsync("Mine");

        await GroupTestKit.FailsAsync(() => kit.Graph.Groups[theirs.Id].GetAsync(cancellationToken: Cancel), 404, "Request_ResourceNotFound");
        await GroupTestKit.FailsAsync(() => kit.Graph.Groups[theirs.Id].PatchAsync(new GraphGroup { DisplayName = "x" }, cancellationToken: Cancel), 404, "Request_ResourceNotFound");
        await GroupTestKit.FailsAsync(() => kit.Graph.Groups[theirs.Id].DeleteAsync(cancellationToken: Cancel), 404, "Request_ResourceNotFound");
        await GroupTestKit.FailsAsync(() => kit.Graph.Groups[theirs.Id].Members.GetAsync(cancellationToken: Cancel), 404, "Request_ResourceNotFound");
        await GroupTestKit.FailsAsync(() => kit.AssignAsync(theirs.Id!, GroupTestKit.SkuId), 404, "Request_ResourceNotFound");
        await GroupTestKit.FailsAsync(() => kit.AddMemberAsync(mine.Id!, theirUser.Id.ToString()), 404, "Request_ResourceNotFound");
        await GroupTestKit.FailsAsync(() => kit.AddMemberAsync(mine.Id!, theirs.Id!), 404, "Request_ResourceNotFound");
        Assert.DoesNotContain((await kit.Graph.Groups.GetAsync(cancellationToken: Cancel))!.Value!, g => g.Id == theirs.Id);
    }
}
