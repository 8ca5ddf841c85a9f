namespace Skuld.Store.Directory;

/// <summary>Graph's licenseProcessingState.state of a group.</summary>
public enum LicenseProcessingState
{
    QueuedForProcessing,
    ProcessingInProgress,
    ProcessingComplete,
}

/// <summary>A security group or a Microsoft 365 group of a tenant.</summary>
public sealed class Group
{
    public required Guid TenantId { get; init; }
    public required Guid Id { get; init; }
    public required string DisplayName { get; set; }
    public string? Description { get; set; }
    public required string MailNickname { get; set; }
    public bool MailEnabled { get; set; }
    public bool SecurityEnabled { get; set; }
    /// <summary>Graph's groupTypes: empty for a security group, <c>["Unified"]</c> for a Microsoft 365 group.</summary>
    public List<string> GroupTypes { get; set; } = [];
    public string? Mail { get; set; }
    public List<string> ProxyAddresses { get; set; } = [];
    public required DateTimeOffset CreatedDateTime { get; init; }
    public LicenseProcessingState LicenseProcessingState { get; set; } = LicenseProcessingState.ProcessingComplete;
    /// <summary>Optimistic concurrency token, bumped on every update.</summary>
    public long Version { get; set; }
}

/// <summary>What kind of directory object a member is.</summary>
public enum MemberKind
{
    User,
    Group,
}

/// <summary>
/// A direct member of a group. <see cref="AddedDateTime"/> (then member id) is the membership order
/// that decides who gets the last seats of a group license.
/// </summary>
public sealed class GroupMember
{
    public required Guid TenantId { get; init; }
    public required Guid GroupId { get; init; }
    public required Guid MemberId { get; init; }
    public required MemberKind MemberKind { get; init; }
    public required DateTimeOffset AddedDateTime { get; init; }
}
