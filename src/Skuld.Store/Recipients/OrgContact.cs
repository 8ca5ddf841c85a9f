namespace Skuld.Store.Recipients;

/// <summary>An organisational contact (Graph's orgContact): a mail recipient outside the tenant.</summary>
public sealed class OrgContact
{
    public required Guid TenantId { get; init; }
    public required Guid Id { get; init; }
    public required string DisplayName { get; set; }
    public string? GivenName { get; set; }
    public string? Surname { get; set; }
    public string? Mail { get; set; }
    public string? MailNickname { get; set; }
    public string? CompanyName { get; set; }
    public string? Department { get; set; }
    public string? JobTitle { get; set; }
    /// <summary>Kept equal to the contact's unquarantined <see cref="RecipientAddress"/> rows.</summary>
    public List<string> ProxyAddresses { get; set; } = [];
    public required DateTimeOffset CreatedDateTime { get; init; }
    /// <summary>Optimistic concurrency token, bumped on every update.</summary>
    public long Version { get; set; }
}
