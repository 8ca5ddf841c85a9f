using System.Net;
using Microsoft.EntityFrameworkCore;
using Skuld.Server.Auth;
using Skuld.Server.Tests.Infrastructure;
using Skuld.Store.Auth;
using Skuld.Testing;

namespace Skuld.Server.Tests.Auth;

/// <summary>RequirePermission / RequireCaller on real endpoints; roles are read from the store on every request.</summary>
public sealed class PermissionTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory, AllStores]
    public async Task Endpoint_answers_only_callers_whose_roles_grant_its_permission(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        await using var probe = await PermissionProbe.StartAsync(server);
        var tenant = await server.AddTenantAsync("contoso.com");
        await server.AddUserAsync(tenant, "licenses", roles: DirectoryRole.LicenseAdministrator);
        var client = probe.CreateClient(await server.CreateClient().UserTokenAsync("contoso.com", "licenses@contoso.com"));

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1.0/probe/ManageUserLicenses", Cancel)).StatusCode);
        await CallerTests.AssertGraphErrorAsync(await client.GetAsync("/v1.0/probe/ManageUsers", Cancel),
            HttpStatusCode.Forbidden, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
    }

    [Theory, AllStores]
    public async Task Removed_role_is_refused_on_the_very_next_request(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        await using var probe = await PermissionProbe.StartAsync(server);
        var tenant = await server.AddTenantAsync("contoso.com");
        var admin = await server.AddUserAsync(tenant, "admin", roles: DirectoryRole.UserAdministrator);
        var client = probe.CreateClient(await server.CreateClient().UserTokenAsync("contoso.com", "admin@contoso.com"));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1.0/probe/ManageUsers", Cancel)).StatusCode);

        await using (var db = server.NewDb())
        {
            await db.RoleAssignments.Where(r => r.TenantId == tenant.Id && r.PrincipalId == admin.Id).ExecuteDeleteAsync(Cancel);
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/v1.0/probe/ManageUsers", Cancel)).StatusCode);
        // Still a valid caller: endpoints that need no permission keep working.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1.0/probe/caller", Cancel)).StatusCode);
    }

    [Theory, AllStores]
    public async Task User_without_a_role_may_call_caller_only_endpoints_but_not_read_the_directory(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        await using var probe = await PermissionProbe.StartAsync(server);
        var tenant = await server.AddTenantAsync("contoso.com");
        await server.AddUserAsync(tenant, "plain");
        var client = probe.CreateClient(await server.CreateClient().UserTokenAsync("contoso.com", "plain@contoso.com"));

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1.0/probe/caller", Cancel)).StatusCode);
        foreach (var permission in Enum.GetValues<Permission>())
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync($"/v1.0/probe/{permission}", Cancel)).StatusCode);
        }
    }

    [Theory, AllStores]
    public async Task App_caller_carries_its_roles_and_an_app_actor(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        await using var probe = await PermissionProbe.StartAsync(server);
        var tenant = await server.AddTenantAsync("contoso.com");
        var app = await server.AddAppAsync(tenant, "Provisioning", DirectoryRole.GroupsAdministrator, DirectoryRole.ReportsReader);
        var client = probe.CreateClient(await server.CreateClient().AppTokenAsync("contoso.com", app));

        var caller = await (await client.GetAsync("/v1.0/probe/caller", Cancel)).JsonAsync();

        Assert.Equal(tenant.Id, caller.GetProperty("tenantId").GetGuid());
        Assert.Equal(app.Registration.Id, caller.GetProperty("principalId").GetGuid());
        Assert.Equal("App", caller.GetProperty("kind").GetString());
        Assert.Equal(["GroupsAdministrator", "ReportsReader"], caller.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(app.Registration.AppId, caller.GetProperty("actor").GetProperty("appId").GetGuid());
        Assert.Equal("Provisioning", caller.GetProperty("actor").GetProperty("appDisplayName").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1.0/probe/ManageGroupLicenses", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/v1.0/probe/ManageUsageLocation", Cancel)).StatusCode);
    }
}
