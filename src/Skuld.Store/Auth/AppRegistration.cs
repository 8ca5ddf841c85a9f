namespace Skuld.Store.Auth;

/// <summary>An application that signs in with client credentials.</summary>
public sealed class AppRegistration
{
    public required Guid TenantId { get; init; }
    /// <summary>The object id (also the id roles are assigned to).</summary>
    public required Guid Id { get; init; }
    /// <summary>The client id (Graph's appId).</summary>
    public required Guid AppId { get; init; }
    public required string DisplayName { get; set; }
    /// <summary>Hash of the client secret; the secret itself is shown once, at creation.</summary>
    public required string SecretHash { get; set; }
    public required DateTimeOffset CreatedDateTime { get; init; }
}
