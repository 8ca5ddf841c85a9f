using Skuld.Server.Auth;

namespace Skuld.Server.Throttling;

/// <summary>
/// Whose budget a request spends: Graph's <c>Tenant_Application</c> scope, the app id and tenant id. A
/// signed-in user has no client application in Skuld, so the user's object id stands in for it.
/// </summary>
public readonly record struct ThrottleKey(Guid Identifier, Guid TenantId)
{
    public static ThrottleKey For(Caller caller) => caller.Kind switch
    {
        CallerKind.App => new(caller.Actor.AppId ?? caller.PrincipalId, caller.TenantId),
        CallerKind.User => new(caller.PrincipalId, caller.TenantId),
    };

    public override string ToString() => $"{Identifier:D}+{TenantId:D}";
}
