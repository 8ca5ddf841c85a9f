using Skuld.Store.Processing.Internal;

namespace Skuld.Store.Processing;

/// <summary>
/// Reads a group job's next batch while the current one writes. A job walked in user-id order (seats for everyone)
/// knows the next batch's key range as soon as it has read its own, and no batch writes into another's range; on
/// SQLite (where a batch's read of members, users and license rows is a sixth of its time, and the second core has time
/// to spare) the next range is read on a connection of its own beside the writes. The next batch takes that read
/// only when it is exactly what it would read itself: the same work item, batch, cursor and size, and nothing written
/// by anyone else from the start of the current batch to the start of the next. Within the current batch nobody else
/// can write (it holds the write lock); for the gap between the batches, the mark of the loop's own writer connection
/// (<see cref="WriterMark"/>) as the batch commits and again when the next batch holds the lock tells. The read's
/// snapshot falls somewhere in that span, so it is then what the next batch would read. Otherwise the next batch drops
/// the read and reads again.
/// </summary>
/// <remarks>
/// Part of a <see cref="LicenseProcessingLoop"/>, used by one batch at a time; it holds at most one read. Disposing it
/// waits for a read still running.
/// </remarks>
internal sealed class LicenseReadAhead : IAsyncDisposable
{
    private readonly CancellationTokenSource stopping = new();
    private (ReadAheadKey Key, Task<MembersRead> Read)? pending;

    /// <summary>Reads a batch took.</summary>
    internal int Taken { get; private set; }

    /// <summary>Reads dropped because they were not what the batch would read (see the class remarks).</summary>
    internal int Dropped { get; private set; }

    /// <summary>Cancelled when this is disposed: for the reads it is given.</summary>
    internal CancellationToken Stopping => stopping.Token;

    /// <summary>Completes when the read in hand (if any) has ended, however it ended.</summary>
    internal Task Settled => pending is { } p ? p.Read.ContinueWith(_ => { }, TaskScheduler.Default) : Task.CompletedTask;

    /// <summary>
    /// Holds <paramref name="read"/> (started in the batch's transaction) for the batch that will ask with
    /// <paramref name="key"/> and the writer's mark as this batch commits (<see cref="Committing"/>), in place of any
    /// earlier one.
    /// </summary>
    internal void Start(ReadAheadKey key, Task<MembersRead> read)
    {
        Drop();
        pending = (key with { Writer = null }, read);
    }

    /// <summary>
    /// The batch that started the read in hand is about to commit: <paramref name="writer"/> is its connection's mark
    /// after its last write, in its transaction (read after the commit, it could already count another connection's).
    /// </summary>
    internal void Committing(WriterMark writer)
    {
        if (pending is { } held)
        {
            pending = (held.Key with { Writer = writer }, held.Read);
        }
    }

    /// <summary>
    /// For the batch that claimed <paramref name="item"/> (<paramref name="writer"/> read in its transaction, before it
    /// writes): the read made ahead for it, or null (the batch reads itself) when there is none, it is for another batch,
    /// or something was written since. Either way the read in hand is gone after this.
    /// </summary>
    internal async Task<MembersRead?> TakeAsync(LicenseWorkItem item, int batchSize, WriterMark? writer)
    {
        ReadAheadKey? key =
            item is { Kind: LicenseWorkKind.Group, Phase: LicenseWorkPhase.MembersByKey, CursorMemberId: { } cursor } && writer is not null
                ? new ReadAheadKey(item.Id, item.Batches, cursor, batchSize, writer)
                : null;
        if (pending is not { } held || held.Key != key)
        {
            Drop();
            return null;
        }
        pending = null;
        try
        {
            var read = await held.Read;
            Taken++;
            return read;
        }
        catch (Exception) when (!stopping.IsCancellationRequested)
        {
            // Whatever failed the read (a busy or broken store) the batch meets again when it reads itself, and reports.
            Dropped++;
            return null;
        }
    }

    private void Drop()
    {
        if (pending is { } held)
        {
            pending = null;
            Dropped++;
            // It only reads: let it end on its own, its failure observed.
            _ = held.Read.ContinueWith(static t => t.Exception, TaskScheduler.Default);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        await Settled;
        pending = null;
        stopping.Dispose();
    }
}

/// <summary>What a batch's own read must match for it to take a read made ahead (see <see cref="LicenseReadAhead"/>).</summary>
internal readonly record struct ReadAheadKey(Guid WorkId, int Batch, Guid Cursor, int Limit, WriterMark? Writer);
