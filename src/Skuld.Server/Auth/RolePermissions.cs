using System.Collections.Frozen;
using Skuld.Store.Auth;

namespace Skuld.Server.Auth;

/// <summary>
/// The one table from admin role to permissions (DESIGN.md "Roles", reference §3). A principal with no
/// role has no permission at all: a plain user can only call endpoints that need just a caller
/// (<c>/me</c>, <c>/me/licenseDetails</c>). Graph lets any member read basic directory data; Skuld is stricter on purpose, since
/// its directory exists for license administration and a plain account's only business is itself.
/// </summary>
public static class RolePermissions
{
    private static readonly FrozenSet<Permission> All = Enum.GetValues<Permission>().ToFrozenSet();

    private static readonly FrozenSet<Permission> UserAdministrator = new[]
    {
        Permission.ReadDirectory, Permission.ManageUsers, Permission.ManageUserLicenses,
        Permission.ManageUsageLocation, Permission.ManageGroups, Permission.ManageGroupLicenses,
    }.ToFrozenSet();

    // Licenses and usage location only: cannot create or edit users or groups (reference §3).
    private static readonly FrozenSet<Permission> LicenseAdministrator = new[]
    {
        Permission.ReadDirectory, Permission.ManageUserLicenses, Permission.ManageUsageLocation, Permission.ManageGroupLicenses,
        Permission.ManageLicensingSettings,
    }.ToFrozenSet();

    // Group licenses but not user licenses nor usage location (reference §3, following Graph over the M365 admin center).
    private static readonly FrozenSet<Permission> GroupsAdministrator = new[]
    {
        Permission.ReadDirectory, Permission.ManageGroups, Permission.ManageGroupLicenses,
    }.ToFrozenSet();

    private static readonly FrozenSet<Permission> GlobalReader = new[]
    {
        Permission.ReadDirectory, Permission.ReadAuditLogs, Permission.ReadReports,
    }.ToFrozenSet();

    // Audit and reports only: a Reports Reader cannot list users.
    private static readonly FrozenSet<Permission> ReportsReader = new[]
    {
        Permission.ReadAuditLogs, Permission.ReadReports,
    }.ToFrozenSet();

    public static IReadOnlySet<Permission> Of(DirectoryRole role) => role switch
    {
        DirectoryRole.GlobalAdministrator => All,
        DirectoryRole.UserAdministrator => UserAdministrator,
        DirectoryRole.LicenseAdministrator => LicenseAdministrator,
        DirectoryRole.GroupsAdministrator => GroupsAdministrator,
        DirectoryRole.GlobalReader => GlobalReader,
        DirectoryRole.ReportsReader => ReportsReader,
    };

    public static bool Grants(this DirectoryRole role, Permission permission) => Of(role).Contains(permission);
}
