using Skuld.Store.Processing;

namespace Skuld.Server.Processing;

public static class LicenseProcessingServices
{
    /// <summary>
    /// Registers group-based license processing: the <see cref="LicenseWorkSignal"/> singleton that
    /// endpoints notify after committing work, and the background worker (configuration section
    /// <c>Skuld:Processing</c>: <c>Enabled</c>, <c>BatchSize</c>, <c>PollInterval</c>, <c>Owner</c>).
    /// </summary>
    public static IServiceCollection AddLicenseProcessing(this IServiceCollection services)
    {
        services.AddOptions<LicenseProcessingOptions>().BindConfiguration(LicenseProcessingOptions.Section);
        services.AddSingleton<LicenseWorkSignal>();
        services.AddHostedService<LicenseWorker>();
        return services;
    }
}
