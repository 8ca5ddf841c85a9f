using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Skuld.Server.Auth;

/// <summary>
/// Mints access tokens. They carry who the caller is, never what it may do: roles are read from the
/// directory on each request.
/// </summary>
internal sealed class AccessTokenIssuer(TokenSigningKey signingKey, TimeProvider time)
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    public sealed record Issued(string AccessToken, DateTimeOffset ExpiresOn);

    public Task<Issued> ForUserAsync(Guid tenantId, Guid userId, string userPrincipalName, string displayName, string? clientId, CancellationToken cancellationToken)
    {
        var claims = new Dictionary<string, object>
        {
            [AccessTokens.Claims.IdentityType] = AccessTokens.UserType,
            [AccessTokens.Claims.UserPrincipalName] = userPrincipalName,
            [AccessTokens.Claims.Name] = displayName,
        };
        if (clientId is not null)
        {
            claims[AccessTokens.Claims.AppId] = clientId;
        }

        return IssueAsync(tenantId, userId, claims, cancellationToken);
    }

    public Task<Issued> ForAppAsync(Guid tenantId, Guid appObjectId, Guid appId, string displayName, CancellationToken cancellationToken) =>
        IssueAsync(tenantId, appObjectId, new Dictionary<string, object>
        {
            [AccessTokens.Claims.IdentityType] = AccessTokens.AppType,
            [AccessTokens.Claims.AppId] = appId.ToString(),
            [AccessTokens.Claims.AppDisplayName] = displayName,
        }, cancellationToken);

    private async Task<Issued> IssueAsync(Guid tenantId, Guid objectId, Dictionary<string, object> claims, CancellationToken cancellationToken)
    {
        var key = await signingKey.GetAsync(cancellationToken);
        var now = time.GetUtcNow();
        var expires = now + AccessTokens.Lifetime;
        claims[AccessTokens.Claims.TenantId] = tenantId.ToString();
        claims[AccessTokens.Claims.ObjectId] = objectId.ToString();
        claims[AccessTokens.Claims.Subject] = objectId.ToString();
        claims[AccessTokens.Claims.TokenId] = Guid.NewGuid().ToString("N");
        claims[AccessTokens.Claims.Version] = "1.0";
        var token = Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = AccessTokens.Issuer(tenantId),
            Audience = AccessTokens.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
        return new Issued(token, expires);
    }
}
