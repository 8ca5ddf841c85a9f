using System.Collections.Frozen;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Skuld.Server.Graph;
using Skuld.Store;
using Skuld.Store.Audit;

namespace Skuld.Server.Auth;

/// <summary>
/// Resolves the <see cref="Caller"/> of endpoints that need one and enforces their permissions, before
/// parameter binding, so handlers can simply take a <see cref="Caller"/>.
/// </summary>
internal sealed class CallerMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        // Everything under /v1.0 needs a caller even if its endpoint forgot RequireCaller(), and so does
        // an unknown /v1.0 path (Graph answers 401 before 404).
        var needsCaller = endpoint?.Metadata.GetMetadata<CallerRequirement>() is not null
            || context.Request.Path.StartsWithSegments("/v1.0", StringComparison.OrdinalIgnoreCase);
        if (!needsCaller)
        {
            await next(context);
            return;
        }

        var resolved = await ResolveAsync(context);
        if (resolved.Failure is { } failure)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            await GraphError.Unauthorized(failure.Message()).ExecuteAsync(context);
            return;
        }

        // ResolveAsync returns either a failure or a caller.
        var caller = resolved.Caller!;
        var permissions = endpoint?.Metadata.GetOrderedMetadata<PermissionRequirement>() ?? [];
        if (permissions.Any(required => !caller.Can(required.Permission)))
        {
            await GraphError.Forbidden().ExecuteAsync(context);
            return;
        }

        context.Features.Set(caller);
        await next(context);
    }

    private sealed record Resolution(Caller? Caller, TokenFailure? Failure);

    private static async Task<Resolution> ResolveAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(AccessTokens.Scheme);
        if (result.None)
        {
            return new(null, TokenFailure.Empty);
        }

        if (!result.Succeeded)
        {
            return new(null, TokenFailures.Classify(result.Failure, BearerToken(context)));
        }

        var principal = result.Principal;
        if (!Guid.TryParse(principal.FindFirst(AccessTokens.Claims.TenantId)?.Value, out var tenantId)
            || !Guid.TryParse(principal.FindFirst(AccessTokens.Claims.ObjectId)?.Value, out var objectId))
        {
            return new(null, TokenFailure.Malformed);
        }

        CallerKind? kind = principal.FindFirst(AccessTokens.Claims.IdentityType)?.Value switch
        {
            AccessTokens.UserType => CallerKind.User,
            AccessTokens.AppType => CallerKind.App,
            _ => null,
        };
        if (kind is null)
        {
            return new(null, TokenFailure.Malformed);
        }

        // The request's one scope: every query and write of this request's context is confined to the token's tenant
        // from here on (TenantScope), so no endpoint can reach another tenant's rows by forgetting a condition.
        var db = context.RequestServices.GetRequiredService<SkuldDb>().EnterTenant(tenantId);
        var caller = await LoadAsync(db, tenantId, objectId, kind.Value, context.RequestAborted);
        if (caller is null)
        {
            return new(null, TokenFailure.PrincipalGone);
        }

        context.User = principal;
        return new(caller, null);
    }

    /// <summary>The directory as it is now: the tenant and principal must still exist (and a user be enabled), roles are current.</summary>
    private static async Task<Caller?> LoadAsync(SkuldDb db, Guid tenantId, Guid objectId, CallerKind kind, CancellationToken cancellationToken)
    {
        var actor = kind switch
        {
            CallerKind.User => await db.Users.AsNoTracking()
                .Where(u => u.TenantId == tenantId && u.Id == objectId && u.AccountEnabled && db.Tenants.Any(t => t.Id == tenantId))
                .Select(u => Actor.ForUser(u.Id, u.UserPrincipalName, u.DisplayName))
                .SingleOrDefaultAsync(cancellationToken),
            CallerKind.App => await db.AppRegistrations.AsNoTracking()
                .Where(a => a.TenantId == tenantId && a.Id == objectId && db.Tenants.Any(t => t.Id == tenantId))
                // Skuld has no separate service principal object: the app's object id stands in for it.
                .Select(a => Actor.ForApp(a.AppId, a.DisplayName, a.Id))
                .SingleOrDefaultAsync(cancellationToken),
        };
        if (actor is null)
        {
            return null;
        }

        var roles = await db.RoleAssignments.AsNoTracking()
            .Where(r => r.TenantId == tenantId && r.PrincipalId == objectId)
            .Select(r => r.Role)
            .ToListAsync(cancellationToken);
        return new Caller(tenantId, objectId, kind, actor, roles.ToFrozenSet());
    }

    private static string? BearerToken(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }
}
