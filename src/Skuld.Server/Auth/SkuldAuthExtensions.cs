using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Skuld.Server.Auth;

/// <summary>Wires the token endpoint, token validation and the per-request caller into the app.</summary>
public static class SkuldAuthExtensions
{
    // Servers sharing a store may disagree a little on the time.
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(1);

    public static IServiceCollection AddSkuldAuth(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<TokenSigningKey>();
        services.AddSingleton<AccessTokenIssuer>();
        services.AddAuthentication().AddJwtBearer(AccessTokens.Scheme);
        services.AddOptions<JwtBearerOptions>(AccessTokens.Scheme)
            .Configure<TimeProvider, TokenSigningKey>((options, time, signingKey) =>
            {
                // Keep Entra's claim names (tid, oid, upn) instead of mapping them to WS-* URIs.
                options.MapInboundClaims = false;
                options.Events = new JwtBearerEvents
                {
                    // The key resolver below is synchronous; load the key from the store first.
                    OnMessageReceived = async context => await signingKey.GetAsync(context.HttpContext.RequestAborted),
                };
                options.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidAudiences = [AccessTokens.Audience, AccessTokens.Audience + "/", AccessTokens.GraphAppId],
                    IssuerValidator = ValidateIssuer,
                    IssuerSigningKeyResolver = (_, _, _, _) => signingKey.Loaded is { } key ? [key] : [],
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                    RequireExpirationTime = true,
                    // IdentityModel reads the system clock; this reads the app's TimeProvider so tests can move time.
                    LifetimeValidator = (notBefore, expires, _, _) =>
                    {
                        var now = time.GetUtcNow().UtcDateTime;
                        return expires is { } end && end > now - ClockSkew && (notBefore is not { } start || start <= now + ClockSkew);
                    },
                };
            });
        return services;
    }

    /// <summary>Resolves the caller and checks permissions; place it after routing (WebApplication routes first by default).</summary>
    public static IApplicationBuilder UseSkuldAuth(this IApplicationBuilder app) => app.UseMiddleware<CallerMiddleware>();

    /// <summary>Maps the anonymous token endpoint <c>POST /{tenant}/oauth2/v2.0/token</c>.</summary>
    public static IEndpointRouteBuilder MapSkuldAuth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapTokenEndpoint();
        return endpoints;
    }

    /// <summary>The issuer must be Skuld's for the tenant the token names.</summary>
    private static string ValidateIssuer(string issuer, SecurityToken token, TokenValidationParameters parameters) =>
        token is JsonWebToken jwt
        && jwt.TryGetPayloadValue<string>(AccessTokens.Claims.TenantId, out var tenant)
        && Guid.TryParse(tenant, out var tenantId)
        && issuer == AccessTokens.Issuer(tenantId)
            ? issuer
            : throw new SecurityTokenInvalidIssuerException($"Issuer '{issuer}' is not Skuld's for the token's tenant.");
}
