namespace Skuld.Server.Throttling;

/// <summary>Wires Graph-like throttling into the app (configuration section <c>Skuld:Throttling</c>).</summary>
public static class ThrottlingExtensions
{
    public static IServiceCollection AddSkuldThrottling(this IServiceCollection services)
    {
        services.AddOptions<ThrottlingOptions>()
            .BindConfiguration(ThrottlingOptions.Section)
            .Validate(options => options.IsValid, $"{ThrottlingOptions.Section}: budgets and windows must be positive.")
            .ValidateOnStart();
        services.AddSingleton<Throttler>();
        return services;
    }

    /// <summary>Prices and throttles <c>/v1.0</c> requests; place it after <c>UseSkuldAuth()</c>, which resolves the caller.</summary>
    public static IApplicationBuilder UseSkuldThrottling(this IApplicationBuilder app) => app.UseMiddleware<ThrottlingMiddleware>();
}
