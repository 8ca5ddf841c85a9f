namespace Skuld.Store.Auth;

/// <summary>The admin roles Skuld checks, with Entra's role template ids.</summary>
public enum DirectoryRole
{
    GlobalAdministrator,
    UserAdministrator,
    LicenseAdministrator,
    GroupsAdministrator,
    GlobalReader,
    ReportsReader,
}

public static class DirectoryRoles
{
    public static Guid TemplateId(this DirectoryRole role) => role switch
    {
        DirectoryRole.GlobalAdministrator => new("62e90394-69f5-4237-9190-012177145e10"),
        DirectoryRole.UserAdministrator => new("fe930be7-5e62-47db-91af-98c3a49a38b1"),
        DirectoryRole.LicenseAdministrator => new("4d6ac14f-3453-41d0-bef9-a3e0c569773a"),
        DirectoryRole.GroupsAdministrator => new("fdd7a751-b60b-444a-984c-02652fe8fa1c"),
        DirectoryRole.GlobalReader => new("f2ef992c-3afb-46b9-b7cf-a126ee74c451"),
        DirectoryRole.ReportsReader => new("4a5d8f65-41da-4de4-8968-e035b65339cf"),
    };

    public static string DisplayName(this DirectoryRole role) => role switch
    {
        DirectoryRole.GlobalAdministrator => "Global Administrator",
        DirectoryRole.UserAdministrator => "User Administrator",
        DirectoryRole.LicenseAdministrator => "License Administrator",
        DirectoryRole.GroupsAdministrator => "Groups Administrator",
        DirectoryRole.GlobalReader => "Global Reader",
        DirectoryRole.ReportsReader => "Reports Reader",
    };

    /// <summary>Parses "Global Administrator", "GlobalAdministrator" or "global-administrator".</summary>
    public static bool TryParse(string text, out DirectoryRole role)
    {
        var key = new string([.. text.Where(char.IsLetter)]);
        return Enum.TryParse(key, ignoreCase: true, out role) && Enum.IsDefined(role);
    }
}
