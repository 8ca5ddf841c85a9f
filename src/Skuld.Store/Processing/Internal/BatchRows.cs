using Skuld.Licensing.Engine;
using Skuld.Store.Audit;

namespace Skuld.Store.Processing.Internal;

/// <summary>A user of a batch as read from the store.</summary>
internal sealed class BatchUser(Guid id)
{
    public Guid Id { get; } = id;
    public string? UsageLocation { get; set; }
    public string UserPrincipalName { get; set; } = "";
    public string DisplayName { get; set; } = "";
    /// <summary>Place in the seat queue (see <see cref="MemberInput.MemberSince"/>).</summary>
    public DateTimeOffset MemberSince { get; set; } = DateTimeOffset.MaxValue;
    public List<AssignmentState> Rows { get; } = [];
    public List<Skuld.Licensing.Engine.GroupLicense> Groups { get; } = [];
}

/// <summary>One row to write: an upsert of <see cref="State"/>, or a delete when <see cref="Delete"/>.</summary>
internal readonly record struct RowWrite(Guid UserId, AssignmentState State, bool Delete)
{
    public Guid SourceId => State.AssignedByGroup ?? Guid.Empty;

    /// <summary>Primary-key order (tenant is constant): bulk writes into a B-tree go fastest in key order.</summary>
    public static int KeyOrder(RowWrite a, RowWrite b)
    {
        var c = a.UserId.CompareTo(b.UserId);
        if (c != 0)
        {
            return c;
        }
        c = a.State.SkuId.CompareTo(b.State.SkuId);
        return c != 0 ? c : a.SourceId.CompareTo(b.SourceId);
    }
}

/// <summary>
/// What the store has seen on a processing loop's own writer connection (<see cref="LicenseProcessingLoop"/>): the
/// connection, and how often other connections committed since it opened (SQLite's <c>PRAGMA data_version</c>, which its
/// own commits leave alone). Only the loop's batches write on it, so equal marks read at two moments mean nothing but
/// those batches wrote to the store in between.
/// </summary>
internal readonly record struct WriterMark(object Connection, long DataVersion);

/// <summary>What <see cref="StoreDialect.LoadMembersByKeyAsync"/> read: the members, and the users among them.</summary>
internal sealed record MembersRead(List<(Guid Id, DateTimeOffset Added)> Members, Dictionary<Guid, BatchUser> Users);

/// <summary>The provider-specific statements of batch processing, on the context's own connection and transaction.</summary>
internal abstract partial class StoreDialect
{
    /// <summary>The oldest work item of a tenant that has no older one, locked for this transaction; null when none.</summary>
    public abstract Task<LicenseWorkItem?> ClaimAsync(SkuldDb db, CancellationToken ct);

    /// <summary>
    /// Locks the tenant's seat counters for the batch (PostgreSQL; SQLite's writer lock already does, and this sets the
    /// connection up for a large write instead, until <see cref="EndBatch"/>).
    /// </summary>
    public abstract Task LockSeatsAsync(SkuldDb db, CancellationToken ct);

    /// <summary>After a batch committed: housekeeping of the store that need not hold up the next batch.</summary>
    public virtual void Committed(SkuldDb db)
    {
    }

    /// <summary>After every claimed batch, committed or not: undoes what <see cref="LockSeatsAsync"/> set on the connection.</summary>
    public virtual void EndBatch(SkuldDb db)
    {
    }

    /// <summary>Users who hold rows from the group but are no longer its members, by id after the cursor.</summary>
    public abstract Task<List<Guid>> DepartedAsync(SkuldDb db, Guid groupId, Guid? after, int limit, CancellationToken ct);

    /// <summary>User members of the group in membership order after the cursor, with their membership time.</summary>
    public abstract Task<List<(Guid Id, DateTimeOffset Added)>> MembersAsync(
        SkuldDb db, Guid groupId, DateTimeOffset? afterAdded, Guid? afterId, int limit, CancellationToken ct);

    /// <summary>Members of the group (any kind) in member-id order after the cursor, with their membership time.</summary>
    public abstract Task<List<(Guid Id, DateTimeOffset Added)>> MembersByKeyAsync(
        SkuldDb db, Guid groupId, Guid? afterId, int limit, CancellationToken ct);

    /// <summary>Fills the users' profile, rows and licensed memberships; drops ids that are not users.</summary>
    public abstract Task LoadUsersAsync(
        SkuldDb db, Dictionary<Guid, BatchUser> users,
        IReadOnlyDictionary<Guid, Skuld.Licensing.Engine.GroupLicense> licensedGroups, CancellationToken ct);

    /// <summary>Adds the users' memberships of <paramref name="licensedGroups"/> (and their earliest membership time).</summary>
    public abstract Task LoadMembershipsAsync(
        SkuldDb db, Dictionary<Guid, BatchUser> users,
        IReadOnlyDictionary<Guid, Skuld.Licensing.Engine.GroupLicense> licensedGroups, CancellationToken ct);

    /// <summary>
    /// The next members of the group in member-id order after the cursor (all of them, for the cursor), with
    /// the users among them loaded into <paramref name="users"/> as <see cref="LoadUsersAsync"/> does.
    /// </summary>
    public virtual async Task<List<(Guid Id, DateTimeOffset Added)>> LoadMembersByKeyAsync(
        SkuldDb db, Guid groupId, Guid? afterId, int limit, Dictionary<Guid, BatchUser> users,
        IReadOnlyDictionary<Guid, Skuld.Licensing.Engine.GroupLicense> licensedGroups, CancellationToken ct)
    {
        var members = await MembersByKeyAsync(db, groupId, afterId, limit, ct);
        foreach (var (id, _) in members)
        {
            users[id] = new BatchUser(id);
        }
        if (users.Count > 0)
        {
            await LoadUsersAsync(db, users, licensedGroups, ct);
        }
        return members;
    }

    /// <summary>
    /// The <see cref="WriterMark"/> of the context's connection (a loop's own), read in the batch's transaction before it
    /// writes and again before it commits; null where batches are not read ahead (PostgreSQL, whose batch reads its users
    /// FOR UPDATE).
    /// </summary>
    public virtual Task<WriterMark?> WriterMarkAsync(SkuldDb db, CancellationToken ct) => Task.FromResult<WriterMark?>(null);

    /// <summary>
    /// Starts <see cref="LoadMembersByKeyAsync"/> for the context's tenant on a connection of its own, in one read
    /// transaction, on another thread (see <see cref="LicenseReadAhead"/>); only where <see cref="WriterMarkAsync"/> gives a mark.
    /// </summary>
    public virtual Task<MembersRead> ReadMembersByKeyBesideAsync(
        SkuldDb db, Guid groupId, Guid afterId, int limit, IReadOnlyDictionary<Guid, Skuld.Licensing.Engine.GroupLicense> licensedGroups,
        CancellationToken ct) =>
        throw new NotSupportedException("This store does not read batches ahead.");

    /// <summary>
    /// A connection of a processing loop's own, open and set up for batches, kept across them (SQLite: its page cache
    /// stays large and warm, and it is not handed to anyone else between batches); null where batches take pooled ones.
    /// </summary>
    public virtual Task<System.Data.Common.DbConnection?> OpenLoopConnectionAsync(SkuldDb db, CancellationToken ct) =>
        Task.FromResult<System.Data.Common.DbConnection?>(null);

    /// <summary>The tenant's licensed groups with their products.</summary>
    public abstract Task<Dictionary<Guid, Skuld.Licensing.Engine.GroupLicense>> LicensedGroupsAsync(SkuldDb db, CancellationToken ct);

    /// <summary>Writes the rows in key order: upserts (keeping an existing row's assigned time) and deletes.</summary>
    public abstract Task WriteRowsAsync(SkuldDb db, List<RowWrite> writes, DateTimeOffset now, CancellationToken ct);

    /// <summary>Inserts audit events in bulk.</summary>
    public abstract Task WriteAuditAsync(SkuldDb db, List<AuditEvent> events, CancellationToken ct);

    public static StoreDialect For(SkuldDb db) =>
        db.Database.ProviderName == "Npgsql.EntityFrameworkCore.PostgreSQL" ? PostgresDialect.Instance : SqliteDialect.Instance;
}
