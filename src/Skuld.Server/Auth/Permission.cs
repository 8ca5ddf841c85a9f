namespace Skuld.Server.Auth;

/// <summary>What an endpoint needs from its caller. Roles grant permissions through <see cref="RolePermissions"/> only.</summary>
public enum Permission
{
    /// <summary>Read users, groups, subscribed SKUs and the organisation.</summary>
    ReadDirectory,
    /// <summary>Create, update and delete users.</summary>
    ManageUsers,
    /// <summary>Assign, change and reprocess licenses of users.</summary>
    ManageUserLicenses,
    /// <summary>Set a user's usage location.</summary>
    ManageUsageLocation,
    /// <summary>Create, update and delete groups and their members.</summary>
    ManageGroups,
    /// <summary>Assign, change and reprocess licenses of groups.</summary>
    ManageGroupLicenses,
    ReadAuditLogs,
    ReadReports,
    /// <summary>Tenant settings, subscriptions, app registrations and role assignments.</summary>
    ManageTenant,
    /// <summary>The tenant's licensing settings (nested group licensing): Global and License Administrators.</summary>
    ManageLicensingSettings,
}
