using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Skuld.Store;
using Skuld.Store.Audit;

namespace Skuld.Server.Api.Audit;

/// <summary>Configuration section <c>Skuld:Audit</c>.</summary>
public sealed class AuditSealingOptions
{
    public const string Section = "Skuld:Audit";

    /// <summary>False leaves sealing to verify and purge.</summary>
    public bool SealInBackground { get; set; } = true;

    /// <summary>How often new audit events are sealed into their tenant's chain.</summary>
    public TimeSpan SealInterval { get; set; } = TimeSpan.FromMinutes(1);
}

public static class AuditSealingServices
{
    public static IServiceCollection AddAuditSealing(this IServiceCollection services)
    {
        services.AddOptions<AuditSealingOptions>().BindConfiguration(AuditSealingOptions.Section);
        services.AddHostedService<AuditSealer>();
        return services;
    }
}

/// <summary>
/// Seals new audit events periodically, so the chain keeps up with writers (verify seals too, but then it
/// would do a day's work at once). One tenant at a time, each in its own short transaction.
/// </summary>
internal sealed partial class AuditSealer(
    IDbContextFactory<SkuldDb> contexts,
    IOptions<AuditSealingOptions> options,
    TimeProvider time,
    ILogger<AuditSealer> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.SealInBackground)
        {
            return;
        }

        using var timer = new PeriodicTimer(settings.SealInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await SealAllAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task SealAllAsync(CancellationToken ct)
    {
        try
        {
            List<Guid> tenants;
            await using (var all = contexts.CreateDbContext())
            {
                // Which tenants have work spans tenants; the sealing itself runs in each tenant's own scope.
                tenants = await all.AuditEvents.AcrossTenants().Where(e => e.Sequence == null).Select(e => e.TenantId).Distinct().ToListAsync(ct);
            }

            foreach (var tenantId in tenants)
            {
                await using var db = contexts.CreateDbContext().EnterTenant(tenantId);
                var count = await AuditChain.SealAsync(db, tenantId, ct);
                LogSealed(tenantId, count);
            }
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            // Nothing is lost: unsealed events stay unsealed until the next tick (or a verify).
            LogFailure(failure);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sealed {Count} audit events of tenant {TenantId}")]
    private partial void LogSealed(Guid tenantId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sealing audit events failed; will retry on the next tick")]
    private partial void LogFailure(Exception failure);
}
