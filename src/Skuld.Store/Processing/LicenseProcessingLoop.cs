using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Skuld.Store.Processing.Internal;

namespace Skuld.Store.Processing;

/// <summary>
/// What a processing loop (<see cref="LicenseProcessing.RunUntilIdleAsync"/>, the server's worker) keeps from one batch to
/// the next. On SQLite: a writer connection of its own, whose large page cache stays warm across batches instead of
/// being given back to the pool (and to API requests) after each, and the next batch's members read ahead beside the
/// current batch's writes (<see cref="LicenseReadAhead"/>). On PostgreSQL nothing: batches take pooled connections.
/// </summary>
/// <remarks>
/// For one loop: one batch at a time. The connection is closed when a batch finds no work or fails, and when the loop
/// is disposed.
/// </remarks>
public sealed class LicenseProcessingLoop : IAsyncDisposable
{
    private DbConnection? writer;

    internal LicenseReadAhead ReadAhead { get; } = new();

    /// <summary>Whether the loop holds a writer connection of its own now.</summary>
    internal bool HoldsConnection => writer is not null;

    /// <summary>
    /// Gives <paramref name="db"/> (fresh, not yet opened) the loop's writer connection; false where batches take pooled ones.
    /// </summary>
    internal async Task<bool> AttachAsync(SkuldDb db, StoreDialect dialect, CancellationToken ct)
    {
        writer ??= await dialect.OpenLoopConnectionAsync(db, ct);
        if (writer is null)
        {
            return false;
        }
        db.Database.SetDbConnection(writer, contextOwnsConnection: false);
        return true;
    }

    /// <summary>Closes the writer connection (no work left, or a batch failed on it); the next batch opens another.</summary>
    internal async Task ReleaseAsync()
    {
        if (writer is not null)
        {
            await writer.DisposeAsync();
            writer = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await ReadAhead.DisposeAsync();
        await ReleaseAsync();
    }
}
