namespace Skuld.Store.Directory;

/// <summary>A user of a tenant, with the Graph properties Skuld keeps.</summary>
public sealed class User
{
    public required Guid TenantId { get; init; }
    public required Guid Id { get; init; }
    public required string UserPrincipalName { get; set; }
    /// <summary>
    /// <see cref="UserPrincipalName"/> upper-cased (invariant): the column that makes UPNs unique and
    /// findable without regard to case on every database. Query it with <see cref="KeyOf"/>.
    /// </summary>
    public string UserPrincipalNameKey
    {
        get => KeyOf(UserPrincipalName);
        // Why empty: EF materialises into the column, but the value always follows UserPrincipalName.
        private set { }
    }
    public required string DisplayName { get; set; }
    public string? GivenName { get; set; }
    public string? Surname { get; set; }
    public string? JobTitle { get; set; }
    public string? Department { get; set; }
    public string? CompanyName { get; set; }
    public string? Country { get; set; }
    public string? City { get; set; }
    public string? OfficeLocation { get; set; }
    public string? EmployeeId { get; set; }
    public string? Mail { get; set; }
    public string? MailNickname { get; set; }
    public string? UsageLocation { get; set; }
    public bool AccountEnabled { get; set; } = true;
    /// <summary><c>Member</c> or <c>Guest</c>.</summary>
    public string UserType { get; set; } = "Member";
    public List<string> OtherMails { get; set; } = [];
    public List<string> ProxyAddresses { get; set; } = [];
    /// <summary>ASP.NET Core Identity password hash; only admin accounts that sign in have one.</summary>
    public string? PasswordHash { get; set; }
    public required DateTimeOffset CreatedDateTime { get; init; }
    /// <summary>Optimistic concurrency token, bumped on every update.</summary>
    public long Version { get; set; }

    /// <summary>The lookup key of a user principal name: <c>db.Users.Where(u => u.UserPrincipalNameKey == User.KeyOf(upn))</c>.</summary>
    public static string KeyOf(string userPrincipalName) => userPrincipalName.ToUpperInvariant();
}
