using Microsoft.IdentityModel.Tokens;

namespace Skuld.Server.Auth;

/// <summary>Why a request's bearer token was refused; each answers 401 <c>InvalidAuthenticationToken</c> with one message.</summary>
internal enum TokenFailure
{
    Empty,
    NotAJwt,
    Malformed,
    Expired,
    InvalidAudience,
    InvalidIssuer,
    InvalidSignature,
    /// <summary>The token is valid but its tenant, user or app is gone, or the user is disabled.</summary>
    PrincipalGone,
}

internal static class TokenFailures
{
    public static string Message(this TokenFailure failure) => failure switch
    {
        TokenFailure.Empty => "Access token is empty.",
        TokenFailure.NotAJwt => "IDX14100: JWT is not well formed, there are no dots (.).\n"
            + "The token needs to be in JWS or JWE Compact Serialization Format.",
        TokenFailure.Malformed => "Access token validation failure. The token is not a well-formed JWT.",
        TokenFailure.Expired => "Access token has expired or is not yet valid.",
        TokenFailure.InvalidAudience => "Access token validation failure. Invalid audience.",
        TokenFailure.InvalidIssuer => "Access token validation failure. Invalid issuer.",
        TokenFailure.InvalidSignature => "Access token validation failure. Invalid signature.",
        TokenFailure.PrincipalGone => "Access token validation failure. The token's user or application no longer exists or is disabled.",
    };

    /// <summary>Maps IdentityModel's validation exception; anything unrecognised means the token could not be read.</summary>
    public static TokenFailure Classify(Exception? failure, string? rawToken) => failure switch
    {
        SecurityTokenExpiredException or SecurityTokenNotYetValidException
            or SecurityTokenInvalidLifetimeException or SecurityTokenNoExpirationException => TokenFailure.Expired,
        SecurityTokenInvalidAudienceException => TokenFailure.InvalidAudience,
        SecurityTokenInvalidIssuerException => TokenFailure.InvalidIssuer,
        SecurityTokenInvalidSignatureException or SecurityTokenInvalidAlgorithmException => TokenFailure.InvalidSignature,
        _ when rawToken is not null && !rawToken.Contains('.', StringComparison.Ordinal) => TokenFailure.NotAJwt,
        _ => TokenFailure.Malformed,
    };
}
