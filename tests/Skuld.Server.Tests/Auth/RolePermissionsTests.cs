using Skuld.Server.Auth;
using Skuld.Store.Auth;

namespace Skuld.Server.Tests.Auth;

/// <summary>The role → permission table, written out in full so any change to it is a deliberate test change.</summary>
public sealed class RolePermissionsTests
{
    private static readonly Dictionary<DirectoryRole, Permission[]> Expected = new()
    {
        [DirectoryRole.GlobalAdministrator] = Enum.GetValues<Permission>(),
        [DirectoryRole.UserAdministrator] =
        [
            Permission.ReadDirectory, Permission.ManageUsers, Permission.ManageUserLicenses, Permission.ManageUsageLocation,
            Permission.ManageGroups, Permission.ManageGroupLicenses,
        ],
        [DirectoryRole.LicenseAdministrator] =
            [Permission.ReadDirectory, Permission.ManageUserLicenses, Permission.ManageUsageLocation, Permission.ManageGroupLicenses,
                Permission.ManageLicensingSettings],
        [DirectoryRole.GroupsAdministrator] = [Permission.ReadDirectory, Permission.ManageGroups, Permission.ManageGroupLicenses],
        [DirectoryRole.GlobalReader] = [Permission.ReadDirectory, Permission.ReadAuditLogs, Permission.ReadReports],
        [DirectoryRole.ReportsReader] = [Permission.ReadAuditLogs, Permission.ReadReports],
    };

    public static TheoryData<DirectoryRole, Permission> EveryPair()
    {
        var pairs = new TheoryData<DirectoryRole, Permission>();
        foreach (var role in Enum.GetValues<DirectoryRole>())
        {
            foreach (var permission in Enum.GetValues<Permission>())
            {
                pairs.Add(role, permission);
            }
        }

        return pairs;
    }

    [Theory, MemberData(nameof(EveryPair))]
    public void Role_grants_exactly_the_permissions_of_the_design_table(DirectoryRole role, Permission permission) =>
        Assert.Equal(Expected[role].Contains(permission), role.Grants(permission));

    [Fact]
    public void Only_global_administrator_manages_the_tenant() =>
        Assert.Equal([DirectoryRole.GlobalAdministrator], Enum.GetValues<DirectoryRole>().Where(r => r.Grants(Permission.ManageTenant)));

    [Fact]
    public void Reports_reader_cannot_read_users_and_groups_administrator_cannot_set_usage_location()
    {
        Assert.False(DirectoryRole.ReportsReader.Grants(Permission.ReadDirectory));
        Assert.False(DirectoryRole.GroupsAdministrator.Grants(Permission.ManageUsageLocation));
        Assert.False(DirectoryRole.GroupsAdministrator.Grants(Permission.ManageUserLicenses));
    }

    [Fact]
    public void Caller_with_several_roles_has_the_union_and_without_roles_has_nothing()
    {
        var actor = Skuld.Store.Audit.Actor.ForUser(Guid.NewGuid(), "a@contoso.com", "A");
        var both = new Caller(Guid.NewGuid(), Guid.NewGuid(), CallerKind.User, actor,
            new HashSet<DirectoryRole> { DirectoryRole.GroupsAdministrator, DirectoryRole.ReportsReader });
        var none = both with { Roles = new HashSet<DirectoryRole>() };

        Assert.True(both.Can(Permission.ManageGroups));
        Assert.True(both.Can(Permission.ReadAuditLogs));
        Assert.False(both.Can(Permission.ManageUsers));
        Assert.All(Enum.GetValues<Permission>(), p => Assert.False(none.Can(p)));
    }
}
