namespace Skuld.Store.Directory;

/// <summary>One organisation's directory.</summary>
public sealed class Tenant
{
    public required Guid Id { get; init; }
    public required string DisplayName { get; set; }
    /// <summary>The verified domain given at creation, e.g. <c>contoso.com</c>; also the tenant's name in token URLs.</summary>
    public required string Domain { get; init; }
    /// <summary>The initial (MOERA-style) domain, e.g. <c>contoso.onmicrosoft.com</c>.</summary>
    public required string InitialDomain { get; init; }
    /// <summary>Two-letter country; group licensing falls back to it when a user has no usage location.</summary>
    public required string CountryLetterCode { get; set; }
    /// <summary>Beyond Entra: members of nested groups inherit group licenses. Off by default.</summary>
    public bool NestedGroupLicensing { get; set; }
    public required DateTimeOffset CreatedDateTime { get; init; }
}
