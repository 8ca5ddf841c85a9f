namespace Skuld.Store.Auth;

/// <summary>
/// The key that signs access tokens. Kept in the store (not per process) so that several server
/// processes on one database accept each other's tokens.
/// </summary>
public sealed class SigningKey
{
    public required Guid Id { get; init; }
    public required byte[] Key { get; init; }
    public required DateTimeOffset CreatedDateTime { get; init; }
}
