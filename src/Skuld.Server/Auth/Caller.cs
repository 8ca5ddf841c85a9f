using Skuld.Store.Audit;
using Skuld.Store.Auth;

namespace Skuld.Server.Auth;

public enum CallerKind
{
    User,
    App,
}

/// <summary>
/// Who is calling, resolved once per request from the validated token and the directory as it is now:
/// the roles come from the store, not the token, so a removed role stops working at once.
/// </summary>
public sealed record Caller(Guid TenantId, Guid PrincipalId, CallerKind Kind, Actor Actor, IReadOnlySet<DirectoryRole> Roles)
{
    public bool Can(Permission permission) => Roles.Any(role => role.Grants(permission));

    /// <summary>
    /// Lets a minimal-API handler take a <see cref="Caller"/> parameter. Throws on an endpoint that was
    /// not marked <c>RequireCaller()</c>/<c>RequirePermission()</c> (and is not under <c>/v1.0</c>): that is a bug, not a 400.
    /// </summary>
    public static ValueTask<Caller?> BindAsync(HttpContext context) => ValueTask.FromResult<Caller?>(context.GetCaller());
}
