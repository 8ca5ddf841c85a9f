namespace Skuld.Server.Auth;

/// <summary>Marks endpoints (or groups) as needing a caller, and which permissions.</summary>
public static class AuthEndpointConventions
{
    /// <summary>Any signed-in user or app of a tenant; otherwise 401 in Graph's envelope.</summary>
    public static TBuilder RequireCaller<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(CallerRequirement.Instance);

    /// <summary>
    /// A caller whose roles grant <paramref name="permission"/>; otherwise 403
    /// <c>Authorization_RequestDenied</c>. Several calls all apply.
    /// </summary>
    public static TBuilder RequirePermission<TBuilder>(this TBuilder builder, Permission permission)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(CallerRequirement.Instance, new PermissionRequirement(permission));
}

internal sealed class CallerRequirement
{
    public static readonly CallerRequirement Instance = new();
}

internal sealed record PermissionRequirement(Permission Permission);
