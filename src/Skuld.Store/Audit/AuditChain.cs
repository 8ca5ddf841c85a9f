using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Skuld.Store.Providers;

namespace Skuld.Store.Audit;

/// <summary>The last sealed event of a tenant's chain (or its purge anchor), which the next sealed event follows.</summary>
internal readonly record struct ChainHead(Guid TenantId, long Sequence, string? Hash);

/// <summary>The answer of <see cref="AuditChain.VerifyAsync"/>.</summary>
public abstract record ChainVerification
{
    private ChainVerification() { }

    /// <summary>Every kept event links to the one before it; <paramref name="Count"/> events were checked.</summary>
    public sealed record Intact(long Count, long FirstSequence, long LastSequence) : ChainVerification;

    /// <summary>
    /// The first link that does not hold: <paramref name="Sequence"/> is where the chain broke (the expected
    /// sequence when an event is missing), <paramref name="EventId"/> the event found there (null when the chain
    /// ends early).
    /// </summary>
    public sealed record Broken(long Sequence, Guid? EventId, ChainBreak Reason, long CheckedBefore) : ChainVerification;
}

public enum ChainBreak
{
    /// <summary>The event's columns no longer hash to its stored hash: it was changed.</summary>
    HashMismatch,
    /// <summary>The event does not point at the hash before it.</summary>
    PreviousHashMismatch,
    /// <summary>A sequence number is missing: an event was deleted.</summary>
    MissingEvent,
}

/// <summary>
/// Tamper evidence beyond Entra: each tenant's audit events form a hash chain. Writers insert unsealed
/// events (no lock, so bulk writers stay fast); <see cref="SealAsync(SkuldDb, Guid, CancellationToken)"/> later numbers them under a per-tenant
/// lock and links each to the one before with SHA-256 over its canonical columns. Group-licensing batches, which
/// write the most events by far, seal their own as they write them (<see cref="SealBeforeInsert"/>), so the
/// chain's order is the sealing order: (activity time, id) within what one sealer found, not across sealers.
/// </summary>
public static class AuditChain
{
    /// <summary>Events sealed per transaction: each holds the tenant's chain lock (on SQLite the database's write lock) a moment only.</summary>
    public const int Page = 2000;

    /// <summary>
    /// Seals the tenant's unsealed events in (activity time, id) order, one transaction per <see cref="Page"/>
    /// events, until a page is not full; returns how many. A group job leaves a million events to seal: in one
    /// transaction that would hold the write lock for minutes and every other writer would time out. Call it
    /// with the context's changes saved: it clears the change tracker.
    /// </summary>
    public static Task<int> SealAsync(SkuldDb db, Guid tenantId, CancellationToken ct) => SealAsync(db, tenantId, Page, ct);

    /// <summary>As <see cref="SealAsync(SkuldDb, Guid, CancellationToken)"/>, <paramref name="pageSize"/> events per transaction.</summary>
    public static async Task<int> SealAsync(SkuldDb db, Guid tenantId, int pageSize, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        var sealedCount = 0;
        while (true)
        {
            int count;
            await using (var transaction = await db.Database.BeginTransactionAsync(ct))
            {
                await LockAsync(db, tenantId, ct);
                count = await SealPageAsync(db, tenantId, pageSize, ct);
                await transaction.CommitAsync(ct);
            }
            sealedCount += count;
            if (count < pageSize)
            {
                return sealedCount;
            }
        }
    }

    /// <summary>Seals, then walks the chain in sequence order recomputing every hash; stops at the first broken link.</summary>
    public static async Task<ChainVerification> VerifyAsync(SkuldDb db, Guid tenantId, CancellationToken ct)
    {
        await SealAsync(db, tenantId, ct);
        var state = await db.Set<AuditChainState>().AsNoTracking().FirstOrDefaultAsync(s => s.TenantId == tenantId, ct);
        var expectedSequence = (state?.AnchorSequence ?? 0) + 1;
        var previousHash = state?.AnchorHash;
        var first = expectedSequence;
        long count = 0;
        while (true)
        {
            var after = expectedSequence - 1;
            var page = await db.AuditEvents.AsNoTracking()
                .Where(e => e.TenantId == tenantId && e.Sequence > after)
                .OrderBy(e => e.Sequence)
                .Take(Page)
                .ToListAsync(ct);
            if (page.Count == 0)
            {
                return new ChainVerification.Intact(count, first, expectedSequence - 1);
            }

            foreach (var e in page)
            {
                if (e.Sequence != expectedSequence)
                {
                    return new ChainVerification.Broken(expectedSequence, e.Id, ChainBreak.MissingEvent, count);
                }

                if (e.PreviousHash != previousHash)
                {
                    return new ChainVerification.Broken(expectedSequence, e.Id, ChainBreak.PreviousHashMismatch, count);
                }

                if (e.Hash != Compute(previousHash, e, expectedSequence))
                {
                    return new ChainVerification.Broken(expectedSequence, e.Id, ChainBreak.HashMismatch, count);
                }

                previousHash = e.Hash;
                expectedSequence++;
                count++;
            }

            db.ChangeTracker.Clear();
        }
    }

    /// <summary>
    /// Takes the tenant's chain lock inside the caller's transaction. PostgreSQL: the tenant row FOR NO KEY
    /// UPDATE, not FOR UPDATE: sealers exclude each other, but writers' foreign-key checks on the tenant
    /// (FOR KEY SHARE) do not wait for a seal. SQLite: the transaction already holds the database write lock
    /// (BEGIN IMMEDIATE). Scopes the context to the tenant (throws when it is scoped to another).
    /// </summary>
    internal static async Task LockAsync(SkuldDb db, Guid tenantId, CancellationToken ct)
    {
        db.EnterTenant(tenantId);
        if (db is PostgresSkuldDb)
        {
            await using var command = TenantSql.Command(db, "SELECT id FROM tenants WHERE id = @t FOR NO KEY UPDATE");
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>Seals every unsealed event under a lock the caller holds (see <see cref="LockAsync"/>).</summary>
    internal static async Task<int> SealLockedAsync(SkuldDb db, Guid tenantId, CancellationToken ct)
    {
        var sealedCount = 0;
        while (true)
        {
            var count = await SealPageAsync(db, tenantId, Page, ct);
            sealedCount += count;
            if (count < Page)
            {
                return sealedCount;
            }
        }
    }

    /// <summary>Seals the next <paramref name="pageSize"/> unsealed events after the chain's head; returns how many.</summary>
    private static async Task<int> SealPageAsync(SkuldDb db, Guid tenantId, int pageSize, CancellationToken ct)
    {
        // The hash covers the values as stored (PostgreSQL keeps microseconds, SQLite ticks), so events must be
        // read back from the store: an event this context still tracks would be hashed with its in-memory time.
        if (db.ChangeTracker.HasChanges())
        {
            throw new InvalidOperationException("Save the context's changes before sealing the audit chain.");
        }

        db.ChangeTracker.Clear();
        var head = await HeadAsync(db, tenantId, ct);
        // The unsealed events' own partial index, in exactly this order: no sort of the whole backlog per page.
        var page = await db.AuditEvents
            .Where(e => e.TenantId == tenantId && e.Sequence == null)
            .OrderBy(e => e.ActivityDateTime).ThenBy(e => e.Id)
            .Take(pageSize)
            .ToListAsync(ct);
        Link(head, page);

        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        return page.Count;
    }

    /// <summary>
    /// Takes the tenant's chain lock in the caller's transaction (held to its end) and returns the chain's head, for
    /// <see cref="SealBeforeInsert"/>: a group job links its own events as it writes them (left to the sealer, its
    /// million events would be read back and rewritten once more).
    /// </summary>
    internal static async Task<ChainHead> LockHeadAsync(SkuldDb db, Guid tenantId, CancellationToken ct)
    {
        await LockAsync(db, tenantId, ct);
        return await HeadAsync(db, tenantId, ct);
    }

    /// <summary>
    /// Seals events the caller inserts in the transaction that holds <paramref name="head"/>'s lock, after the head
    /// and in list order. The hash covers the values as stored, so the events' times must be whole microseconds
    /// (PostgreSQL keeps no finer). Returns the new head, after which the caller's next events follow.
    /// </summary>
    internal static ChainHead SealBeforeInsert(ChainHead head, IReadOnlyList<AuditEvent> events)
    {
        if (events.FirstOrDefault(e => e.TenantId != head.TenantId || e.ActivityDateTime.UtcTicks % TimeSpan.TicksPerMicrosecond != 0) is { } unfit)
        {
            throw new ArgumentException($"Audit event {unfit.Id} is of another tenant or its time has a fraction of a microsecond.", nameof(events));
        }
        return Link(head, events);
    }

    /// <summary>Numbers the events after <paramref name="head"/>, in list order, each linked to the one before; returns the new head.</summary>
    private static ChainHead Link(ChainHead head, IEnumerable<AuditEvent> events)
    {
        var (sequence, previousHash) = (head.Sequence, head.Hash);
        foreach (var e in events)
        {
            sequence++;
            e.Sequence = sequence;
            e.PreviousHash = previousHash;
            e.Hash = Compute(previousHash, e, sequence);
            previousHash = e.Hash;
        }
        return head with { Sequence = sequence, Hash = previousHash };
    }

    /// <summary>The event the next sealed event follows: the last sealed event, else the purge anchor.</summary>
    private static async Task<ChainHead> HeadAsync(SkuldDb db, Guid tenantId, CancellationToken ct)
    {
        var head = await db.AuditEvents.AsNoTracking()
            .Where(e => e.TenantId == tenantId && e.Sequence != null)
            .OrderByDescending(e => e.Sequence)
            .Select(e => new { e.Sequence, e.Hash })
            .FirstOrDefaultAsync(ct);
        if (head is not null)
        {
            return new ChainHead(tenantId, head.Sequence!.Value, head.Hash);
        }
        var state = await db.Set<AuditChainState>().AsNoTracking().FirstOrDefaultAsync(s => s.TenantId == tenantId, ct);
        return new ChainHead(tenantId, state?.AnchorSequence ?? 0, state?.AnchorHash);
    }

    /// <summary>SHA-256 over the previous hash and a canonical JSON array of the event's columns (fixed order, UTC ticks).</summary>
    /// <remarks>Runs once per event a group job writes: the writer and its buffer are reused per thread.</remarks>
    public static string Compute(string? previousHash, AuditEvent e, long sequence)
    {
        var buffer = CanonicalBuffer ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        var json = CanonicalWriter ??= new Utf8JsonWriter(buffer);
        json.Reset(buffer);
        json.WriteStartArray();
        json.WriteStringValue(previousHash ?? "");
        json.WriteNumberValue(sequence);
        json.WriteStringValue(e.TenantId); // "D" format, as Guid.ToString("D")
        json.WriteStringValue(e.Id);
        json.WriteNumberValue(e.ActivityDateTime.UtcTicks);
        json.WriteStringValue(e.ActivityDisplayName);
        json.WriteStringValue(e.Category);
        json.WriteStringValue(e.Result);
        Nullable(json, e.ResultReason);
        json.WriteStringValue(e.OperationType);
        json.WriteStringValue(e.CorrelationId);
        json.WriteStringValue(e.LoggedByService);
        Nullable(json, e.InitiatedByUserId);
        Nullable(json, e.InitiatedByAppId);
        WriteRepeated(json, e.InitiatedBy);
        json.WriteStringValue(e.TargetResources);
        json.WriteStringValue(e.AdditionalDetails);
        json.WriteEndArray();
        json.Flush();

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(buffer.WrittenSpan, hash);
        if (buffer.Capacity > 1 << 20)
        {
            // An outsized event (thousands of targets): do not keep its buffer alive on this thread.
            (CanonicalBuffer, CanonicalWriter) = (null, null);
        }
        return Convert.ToHexStringLower(hash);
    }

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? CanonicalBuffer;

    [ThreadStatic]
    private static Utf8JsonWriter? CanonicalWriter;

    [ThreadStatic]
    private static string? RepeatedText;

    [ThreadStatic]
    private static byte[]? RepeatedJson;

    /// <summary>
    /// A string value that most events in a row share, the same instance each time (a group job's initiator JSON, ~190
    /// characters of which ~20 need escaping): escaped once per thread, then copied as written. Same bytes as
    /// <see cref="Utf8JsonWriter.WriteStringValue(string)"/>, which writes it the first time.
    /// </summary>
    private static void WriteRepeated(Utf8JsonWriter json, string value)
    {
        if (!ReferenceEquals(value, RepeatedText))
        {
            var escaped = new ArrayBufferWriter<byte>(value.Length + 16);
            using (var writer = new Utf8JsonWriter(escaped))
            {
                writer.WriteStringValue(value);
            }
            (RepeatedText, RepeatedJson) = (value, escaped.WrittenSpan.ToArray());
        }
        json.WriteRawValue(RepeatedJson!, skipInputValidation: true);
    }

    private static void Nullable(Utf8JsonWriter json, string? value)
    {
        if (value is null)
        {
            json.WriteNullValue();
        }
        else
        {
            json.WriteStringValue(value);
        }
    }

    private static void Nullable(Utf8JsonWriter json, Guid? value)
    {
        if (value is { } id)
        {
            json.WriteStringValue(id);
        }
        else
        {
            json.WriteNullValue();
        }
    }
}
