namespace Skuld.Store.Auth;

/// <summary>A role given to a user or an application of the tenant.</summary>
public sealed class RoleAssignment
{
    public required Guid TenantId { get; init; }
    public required Guid PrincipalId { get; init; }
    public required DirectoryRole Role { get; init; }
}
