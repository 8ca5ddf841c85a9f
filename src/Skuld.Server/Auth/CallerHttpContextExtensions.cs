namespace Skuld.Server.Auth;

public static class CallerHttpContextExtensions
{
    /// <summary>The caller of this request; only on endpoints that require one.</summary>
    public static Caller GetCaller(this HttpContext context) =>
        context.Features.Get<Caller>()
        ?? throw new InvalidOperationException(
            $"No caller on '{context.Request.Path}': mark the endpoint RequireCaller() or RequirePermission(...).");

    public static Caller? TryGetCaller(this HttpContext context) => context.Features.Get<Caller>();
}
