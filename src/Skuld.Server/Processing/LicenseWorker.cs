using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Skuld.Store;
using Skuld.Store.Processing;

namespace Skuld.Server.Processing;

/// <summary>
/// Runs durable license work: drains every claimable batch, then waits for a wake-up from this process
/// (<see cref="LicenseWorkSignal"/>) or the poll interval, which finds work enqueued by other processes.
/// </summary>
internal sealed partial class LicenseWorker(
    IDbContextFactory<SkuldDb> contexts,
    LicenseWorkSignal signal,
    IOptions<LicenseProcessingOptions> options,
    TimeProvider time,
    ILogger<LicenseWorker> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Enabled)
        {
            return;
        }
        var owner = settings.Owner ?? $"{Environment.MachineName}/{Environment.ProcessId}";
        await using var loop = new LicenseProcessingLoop();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var db = contexts.CreateDbContext();
                var batch = await LicenseProcessing.RunBatchAsync(db, owner, settings.BatchSize, time, loop, stoppingToken);
                if (batch is not null)
                {
                    LogBatch(batch.Kind, batch.WorkId, batch.Batch, batch.Users, batch.ChangedUsers, batch.Finished);
                    continue;
                }
                await signal.WaitAsync(settings.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception failure)
            {
                // The batch rolled back and its work item stays; retry after a pause rather than spin on a broken database.
                LogFailure(failure);
                await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "License work {Kind} {WorkId}: batch {Batch}, {Users} users, {Changed} changed, finished {Finished}")]
    private partial void LogBatch(LicenseWorkKind kind, Guid workId, int batch, int users, int changed, bool finished);

    [LoggerMessage(Level = LogLevel.Error, Message = "License work batch failed; retrying")]
    private partial void LogFailure(Exception failure);
}
