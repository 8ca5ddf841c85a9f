using System.Collections.Immutable;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Skuld.Licensing.Catalogue;
using Skuld.Licensing.Engine;
using Skuld.Store.Audit;
using Skuld.Store.Directory;
using Skuld.Store.Licensing;
using Skuld.Store.Processing.Internal;
using Skuld.Store.Recipients;

namespace Skuld.Store.Processing;

/// <summary>What one batch did; <see cref="Finished"/> when it completed its work item.</summary>
public sealed record LicenseBatchResult(
    Guid TenantId, Guid WorkId, LicenseWorkKind Kind, int Batch, int Users, int ChangedUsers, bool Finished);

/// <summary>
/// Processes durable license work, one batch per transaction: claim the oldest work item of a tenant,
/// read the next slice of users (a keyset cursor over membership order, or over user ids when the free seats cover
/// every member, so the writes follow the license table's key order) with their rows and groups,
/// evaluate them with the engine, write changed rows, seat counters and audit events set-based (the events
/// sealed into the tenant's hash chain as they are written, not left to the sealer), advance the cursor, commit. A crash loses only the batch in flight, which the next claimant redoes.
/// </summary>
public static class LicenseProcessing
{

    public const int DefaultBatchSize = 10_000;

    private static readonly Dictionary<Guid, Skuld.Licensing.Engine.GroupLicense> NoGroups = [];

    /// <summary>
    /// Runs one batch of the oldest claimable work item; null when there is no work. Use a fresh context
    /// (nothing tracked, no tenant scope: the batch scopes it to the claimed item's tenant). <paramref name="owner"/>
    /// names this process in the batch log.
    /// </summary>
    public static Task<LicenseBatchResult?> RunBatchAsync(SkuldDb db, string owner, int batchSize, TimeProvider time, CancellationToken ct) =>
        RunBatchAsync(db, owner, batchSize, time, loop: null, ct);

    /// <summary>
    /// As <see cref="RunBatchAsync(SkuldDb, string, int, TimeProvider, CancellationToken)"/>, as one batch of
    /// <paramref name="loop"/>: on its writer connection, taking the batch's members from it when they were read ahead,
    /// and leaving the next batch's read there when it can be made ahead.
    /// </summary>
    public static async Task<LicenseBatchResult?> RunBatchAsync(
        SkuldDb db, string owner, int batchSize, TimeProvider time, LicenseProcessingLoop? loop, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var dialect = StoreDialect.For(db);
        var loopConnection = loop is not null && await loop.AttachAsync(db, dialect, ct);
        // Batches read ahead on a loop's own connection only (SQLite): its mark is theirs alone.
        var readAhead = loopConnection ? loop!.ReadAhead : null;
        // Open for the whole batch: what the batch sets on a pooled connection is undone on that same connection (EndBatch).
        await db.Database.OpenConnectionAsync(ct);
        LicenseWorkItem? item = null;
        var committed = false;
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            // The claim lives as long as this transaction: a process that dies mid-batch releases it by dying.
            item = await dialect.ClaimAsync(db, ct);
            if (item is null)
            {
                return null;
            }
            // The claim spans tenants; everything after it runs in the claimed item's tenant.
            db.EnterTenant(item.TenantId);
            // A read made ahead is for the batch right after the one that made it: this one takes it, or it is dropped.
            MembersRead? ahead = null;
            if (readAhead is not null)
            {
                ahead = await readAhead.TakeAsync(item, batchSize, await dialect.WriterMarkAsync(db, ct));
            }

            // Whole microseconds, as PostgreSQL stores times: the batch's audit events are sealed before they are written.
            var now = time.GetUtcNow();
            now = now.AddTicks(-(now.UtcTicks % TimeSpan.TicksPerMicrosecond));
            var result = item.Kind switch
            {
                LicenseWorkKind.Tenant => await ExpandTenantAsync(db, item, now, ct),
                LicenseWorkKind.Group or LicenseWorkKind.Users => await ProcessAsync(db, dialect, item, batchSize, now, ahead, readAhead, ct),
            };
            db.LicenseWorkLog.Add(new LicenseWorkLog
            {
                TenantId = item.TenantId,
                WorkId = item.Id,
                Batch = item.Batches,
                Owner = owner,
                Users = result.Users,
                CommittedAt = now,
            });
            await db.SaveChangesAsync(ct);
            if (readAhead is not null && await dialect.WriterMarkAsync(db, ct) is { } committing)
            {
                // After the batch's last write and before its commit, while it still holds the write lock.
                readAhead.Committing(committing);
            }
            await transaction.CommitAsync(ct);
            committed = true;
            dialect.Committed(db);
            db.ChangeTracker.Clear();
            return result;
        }
        finally
        {
            // Committed or rolled back by now: a pooled connection goes back to the pool as it came; the loop's own is
            // kept for its next batch, unless there is no work left or this batch failed on it.
            if (item is not null && !loopConnection)
            {
                dialect.EndBatch(db);
            }
            await db.Database.CloseConnectionAsync();
            if (loopConnection && (item is null || !committed))
            {
                await loop!.ReleaseAsync();
            }
        }
    }

    /// <summary>Runs batches, each on a new context, as one <see cref="LicenseProcessingLoop"/>, until no work is left; returns how many ran.</summary>
    public static async Task<int> RunUntilIdleAsync(Func<SkuldDb> newDb, string owner, int batchSize, TimeProvider time, CancellationToken ct)
    {
        await using var loop = new LicenseProcessingLoop();
        var batches = 0;
        while (true)
        {
            await using var db = newDb();
            if (await RunBatchAsync(db, owner, batchSize, time, loop, ct) is null)
            {
                return batches;
            }
            batches++;
        }
    }

    private static async Task<LicenseBatchResult> ExpandTenantAsync(SkuldDb db, LicenseWorkItem item, DateTimeOffset now, CancellationToken ct)
    {
        var groupIds = await db.GroupLicenses.Where(l => l.TenantId == item.TenantId).Select(l => l.GroupId).Distinct().OrderBy(g => g).ToListAsync(ct);
        // Same enqueue time as the tenant item: the group items take its place in the tenant's queue.
        db.LicenseWorkItems.AddRange(groupIds.Select(groupId => LicenseWork.New(
            item.TenantId, LicenseWorkKind.Group, groupId, [], LicenseWork.ActorOf(item.Actor), item.CorrelationId, item.EnqueuedAt)));
        await db.Groups.Where(g => g.TenantId == item.TenantId && groupIds.Contains(g.Id))
            .ExecuteUpdateAsync(s => s.SetProperty(g => g.LicenseProcessingState, LicenseProcessingState.QueuedForProcessing), ct);
        await DeleteItemAsync(db, item, ct);
        return new LicenseBatchResult(item.TenantId, item.Id, item.Kind, item.Batches, 0, 0, Finished: true);
    }

    private static async Task<LicenseBatchResult> ProcessAsync(
        SkuldDb db, StoreDialect dialect, LicenseWorkItem item, int batchSize, DateTimeOffset now,
        MembersRead? ahead, LicenseReadAhead? readAhead, CancellationToken ct)
    {
        var tenantId = item.TenantId;
        var licensedGroups = await dialect.LicensedGroupsAsync(db, ct);
        // Nested group licensing (tenant setting): members and memberOf are transitive (StoreDialect.Nested.cs).
        var nested = await StoreDialect.NestedGroupLicensingAsync(db, tenantId, ct);
        var groupJob = item.Kind == LicenseWorkKind.Group;
        // The slice of a group's members already says which licensed groups they are in when that group is
        // the tenant's only licensed one: skip the memberships query (its queue place comes from the slice too).
        var onlyGroup = groupJob && licensedGroups.Count == 1
            && licensedGroups.TryGetValue(item.GroupId ?? Guid.Empty, out var group) ? group : null;
        var membershipsOf = onlyGroup is null ? licensedGroups : NoGroups;
        Dictionary<Guid, BatchUser> users;
        Slice slice;
        if (ahead is not null)
        {
            users = ahead.Users;
            slice = ByKeySlice(ahead.Members, batchSize);
        }
        else
        {
            users = new Dictionary<Guid, BatchUser>(item.Kind == LicenseWorkKind.Users ? Math.Min(batchSize, item.UserIds.Count) : batchSize);
            slice = await NextSliceAsync(db, dialect, item, batchSize, nested, users, membershipsOf, ct);
        }
        if (readAhead is not null && slice is { KeyOrder: true, Last: false, CursorId: { } next })
        {
            // No batch writes into another's key range: the next one's members can be read now, while this one writes.
            readAhead.Start(new ReadAheadKey(item.Id, item.Batches + 1, next, batchSize, null),
                dialect.ReadMembersByKeyBesideAsync(db, item.GroupId ?? Guid.Empty, next, batchSize, membershipsOf, readAhead.Stopping));
        }
        if (!slice.Loaded)
        {
            foreach (var (id, _) in slice.Users)
            {
                users[id] = new BatchUser(id);
            }
        }

        // Lock order as direct changes: users first, then seat counters.
        if (users.Count > 0)
        {
            onlyGroup = slice.CountsAsMembers ? onlyGroup : null;
            if (!slice.Loaded)
            {
                await dialect.LoadUsersAsync(db, users, onlyGroup is null && !nested ? licensedGroups : NoGroups, ct);
            }
            if (onlyGroup is null && nested)
            {
                await dialect.LoadTransitiveLicensedGroupsAsync(db, users, licensedGroups, ct);
            }
            if (onlyGroup is not null)
            {
                foreach (var user in users.Values)
                {
                    user.Groups.Add(onlyGroup);
                }
            }
        }
        await dialect.LockSeatsAsync(db, ct);
        var tenant = await LicenseSnapshots.LoadTenantAsync(db, tenantId, ct)
            ?? throw new InvalidOperationException($"Tenant {tenantId} of license work {item.Id} does not exist.");

        // Proxy addresses (reference §5): members whose UPN another recipient holds cannot get a mailbox.
        // Only members who could gain a mailbox here are looked up (a group product with a mail plan, none yet).
        var mailSkus = tenant.Skus.Where(s => s.Value.Product.Plans.Any(MailPlans.IsMailPlan)).Select(s => s.Key).ToHashSet();
        var proxyClashes = mailSkus.Count == 0
            ? []
            : await MailboxProxies.ClashingUsersAsync(db, tenantId, [.. users.Values
                .Where(u => u.Groups.Any(g => g.Licenses.Any(l => mailSkus.Contains(l.SkuId))) && !LicenseEngine.HasMailbox(tenant, u.Rows))
                .Select(u => (u.Id, u.UserPrincipalName))], ct);
        var inputs = new List<MemberInput>(users.Count);
        foreach (var (id, since) in slice.Users)
        {
            if (users.TryGetValue(id, out var user))
            {
                // A user in no licensed group only gives seats back: first in the queue.
                var memberSince = since ?? (user.MemberSince == DateTimeOffset.MaxValue ? DateTimeOffset.MinValue : user.MemberSince);
                inputs.Add(new MemberInput(new UserSnapshot(id, user.UsageLocation, [.. user.Rows]), memberSince, [.. user.Groups], proxyClashes.ContainsKey(id)));
            }
        }
        var outcomes = LicenseEngine.EvaluateMembers(tenant, inputs, SeatLedger.For(tenant));
        var restartInQueueOrder = slice.KeyOrder && RefusedASeat(outcomes);
        if (restartInQueueOrder)
        {
            // Seats ran short after all (a direct assignment took some meanwhile): user-id order would pick
            // the wrong winners, so this batch writes nothing and the members start over in membership order.
            // Members done so far keep their seats and are unchanged on the second pass (no second audit event).
            outcomes = [];
            inputs.Clear();
            slice = slice with { Last = false, NextPhase = LicenseWorkPhase.Members, CursorAdded = null, CursorId = null };
        }

        var writes = new List<RowWrite>();
        var seats = new SortedDictionary<Guid, int>();
        var changedOutcomes = new List<MemberOutcome>();
        var (successes, failures) = (0, 0);
        foreach (var outcome in outcomes)
        {
            if (groupJob && slice.CountsAsMembers)
            {
                if (FailedFrom(outcome.Assignments, item.GroupId))
                {
                    failures++;
                }
                else
                {
                    successes++;
                }
            }
            if (!outcome.Changed)
            {
                continue;
            }
            changedOutcomes.Add(outcome);
            Diff(outcome.UserId, users[outcome.UserId].Rows, outcome.Assignments, writes);
            foreach (var seat in outcome.SeatChanges)
            {
                seats[seat.SkuId] = seats.GetValueOrDefault(seat.SkuId) + seat.Delta;
            }
        }
        var groupId = item.GroupId ?? Guid.Empty;
        var total = restartInQueueOrder ? (Successes: 0, Failures: 0) : (Successes: item.Successes + successes, Failures: item.Failures + failures);
        var started = groupJob && !item.Started ? GroupLicensingAudit.Started(tenantId, groupId, item.CorrelationId, now) : null;
        var finished = groupJob && slice.Last ? GroupLicensingAudit.Finished(tenantId, groupId, total.Successes, total.Failures, item.CorrelationId, now) : null;
        // The batch's audit events are text and hash work that needs nothing the writes below change: built and
        // sealed into the tenant's chain on another core while this one writes the rows (a million-member job
        // spends seconds on each), handed over in chunks so that this core writes the first while the last are built.
        var head = changedOutcomes.Count > 0 || started is not null || finished is not null
            ? await AuditChain.LockHeadAsync(db, tenantId, ct)
            : default;
        var eventChunks = Channel.CreateUnbounded<List<AuditEvent>>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        _ = Task.Run(() => SealedEvents(head, started, finished, tenant, item.CorrelationId, now, users, changedOutcomes, proxyClashes, eventChunks.Writer), ct);

        writes.Sort(RowWrite.KeyOrder);
        await dialect.WriteRowsAsync(db, writes, now, ct);
        // Step "proxy addresses": after the rows are written, the proxy changes of the batch's users whose
        // mailbox status changed (first mail plan gained, last one lost), set-based for the whole batch.
        await MailboxProxies.ApplyAsync(db, tenantId, [.. MailboxChanges(tenant, mailSkus, users, changedOutcomes)], ct);
        await ApplySeatsAsync(db, tenantId, seats, ct);

        if (item.Phase == LicenseWorkPhase.Departed && slice.NextPhase == LicenseWorkPhase.Members)
        {
            // After the departed users gave their seats back (this transaction): how to walk the members.
            var byKey = !nested && await SeatsSufficeAsync(db, tenantId, groupId, licensedGroups.GetValueOrDefault(groupId), ct);
            slice = slice with { NextPhase = byKey ? LicenseWorkPhase.MembersByKey : LicenseWorkPhase.Members };
        }
        if (started is not null)
        {
            await SetGroupStateAsync(db, tenantId, groupId, LicenseProcessingState.ProcessingInProgress, ct);
        }
        if (slice.Last)
        {
            if (groupJob)
            {
                // Work enqueued for the group meanwhile keeps it queued.
                var more = await db.LicenseWorkItems.AnyAsync(w => w.TenantId == tenantId && w.GroupId == groupId && w.Id != item.Id, ct);
                await SetGroupStateAsync(db, tenantId, groupId,
                    more ? LicenseProcessingState.QueuedForProcessing : LicenseProcessingState.ProcessingComplete, ct);
            }
            await DeleteItemAsync(db, item, ct);
        }
        else
        {
            var updated = await db.LicenseWorkItems.Where(w => w.TenantId == tenantId && w.Id == item.Id).ExecuteUpdateAsync(s => s
                .SetProperty(w => w.Phase, slice.NextPhase)
                .SetProperty(w => w.CursorAddedDateTime, slice.CursorAdded)
                .SetProperty(w => w.CursorMemberId, slice.CursorId)
                .SetProperty(w => w.Batches, item.Batches + 1)
                .SetProperty(w => w.Successes, total.Successes)
                .SetProperty(w => w.Failures, total.Failures)
                .SetProperty(w => w.Started, true)
                .SetProperty(w => w.LeaseExpiresAt, now), ct);
            if (updated != 1)
            {
                throw new InvalidOperationException($"License work {item.Id} vanished during its batch.");
            }
        }

        await foreach (var events in eventChunks.Reader.ReadAllAsync(ct))
        {
            await dialect.WriteAuditAsync(db, events, ct);
            await AuditEventIndex.WriteAfterBulkInsertAsync(db, events, ct);
        }
        return new LicenseBatchResult(tenantId, item.Id, item.Kind, item.Batches, inputs.Count, changedOutcomes.Count, slice.Last);
    }

    /// <summary>
    /// The users of the next batch (in queue order, or in user-id order when <see cref="KeyOrder"/>), with their
    /// place in the queue when the slice decides it.
    /// </summary>
    private sealed record Slice(
        List<(Guid Id, DateTimeOffset? Since)> Users,
        bool CountsAsMembers,
        bool Last,
        LicenseWorkPhase NextPhase,
        DateTimeOffset? CursorAdded,
        Guid? CursorId,
        bool KeyOrder = false,
        bool Loaded = false);

    /// <summary>
    /// The next slice of the item. A slice in user-id order comes <see cref="Slice.Loaded"/>: its users are read
    /// with their rows (and their memberships of <paramref name="licensedGroups"/>) into <paramref name="users"/>.
    /// </summary>
    private static async Task<Slice> NextSliceAsync(
        SkuldDb db, StoreDialect dialect, LicenseWorkItem item, int batchSize, bool nested, Dictionary<Guid, BatchUser> users,
        IReadOnlyDictionary<Guid, Skuld.Licensing.Engine.GroupLicense> licensedGroups, CancellationToken ct)
    {
        switch (item.Kind, item.Phase)
        {
            case (LicenseWorkKind.Users, _):
            {
                var ids = item.UserIds.Where(id => item.CursorMemberId is not { } after || id.CompareTo(after) > 0).Order().Take(batchSize).ToList();
                var last = ids.Count < batchSize || ids[^1] == item.UserIds.Max();
                return new Slice([.. ids.Select(id => (id, (DateTimeOffset?)null))], false, last, LicenseWorkPhase.Members, null, ids.LastOrDefault());
            }
            case (LicenseWorkKind.Group, LicenseWorkPhase.Departed):
            {
                // Users who left only give seats back, so they go before every member.
                var ids = nested
                    ? await dialect.NestedDepartedAsync(db, item.GroupId ?? Guid.Empty, item.CursorMemberId, batchSize, ct)
                    : await dialect.DepartedAsync(db, item.GroupId ?? Guid.Empty, item.CursorMemberId, batchSize, ct);
                var done = ids.Count < batchSize;
                return new Slice([.. ids.Select(id => (id, (DateTimeOffset?)DateTimeOffset.MinValue))], false, false,
                    done ? LicenseWorkPhase.Members : LicenseWorkPhase.Departed, null, done ? null : ids[^1]);
            }
            case (LicenseWorkKind.Group, LicenseWorkPhase.Members):
            {
                var members = nested
                    ? await dialect.NestedMembersAsync(db, item.GroupId ?? Guid.Empty, item.CursorAddedDateTime, item.CursorMemberId, batchSize, ct)
                    : await dialect.MembersAsync(db, item.GroupId ?? Guid.Empty, item.CursorAddedDateTime, item.CursorMemberId, batchSize, ct);
                var last = members.Count < batchSize;
                return new Slice([.. members.Select(m => (m.Id, (DateTimeOffset?)m.Added))], true, last, LicenseWorkPhase.Members,
                    last ? null : members[^1].Added, last ? null : members[^1].Id);
            }
            case (LicenseWorkKind.Group, LicenseWorkPhase.MembersByKey):
            {
                var members = await dialect.LoadMembersByKeyAsync(
                    db, item.GroupId ?? Guid.Empty, item.CursorMemberId, batchSize, users, licensedGroups, ct);
                return ByKeySlice(members, batchSize);
            }
            default:
                throw new InvalidOperationException($"License work {item.Id} is of kind {item.Kind} in phase {item.Phase}.");
        }
    }

    /// <summary>A slice in user-id order of the members <see cref="StoreDialect.LoadMembersByKeyAsync"/> read (users loaded).</summary>
    private static Slice ByKeySlice(List<(Guid Id, DateTimeOffset Added)> members, int batchSize)
    {
        var last = members.Count < batchSize;
        return new Slice([.. members.Select(m => (m.Id, (DateTimeOffset?)m.Added))], true, last, LicenseWorkPhase.MembersByKey,
            null, last ? null : members[^1].Id, KeyOrder: true, Loaded: true);
    }

    /// <summary>
    /// Whether the group's members can be walked in user-id order: the free seats of each of the group's
    /// products cover every member that does not hold it from the group yet (an upper bound of the seats
    /// the job takes), so nobody is refused a seat and the seat queue decides nothing. Seats other groups'
    /// products need, and seats taken meanwhile by direct assignments, are caught per batch instead
    /// (<see cref="RefusedASeat"/>).
    /// </summary>
    private static async Task<bool> SeatsSufficeAsync(
        SkuldDb db, Guid tenantId, Guid groupId, Skuld.Licensing.Engine.GroupLicense? group, CancellationToken ct)
    {
        if (group is null)
        {
            return true;
        }
        int? members = null;
        foreach (var license in group.Licenses)
        {
            var sku = await db.TenantSkus.AsNoTracking().Where(s => s.TenantId == tenantId && s.SkuId == license.SkuId)
                .Select(s => new { s.EnabledUnits, s.ConsumedUnits }).SingleOrDefaultAsync(ct);
            if (sku is null)
            {
                continue; // Not subscribed: the rows fail without taking seats.
            }
            members ??= await db.GroupMembers.CountAsync(m => m.TenantId == tenantId && m.GroupId == groupId, ct);
            var free = sku.EnabledUnits - sku.ConsumedUnits;
            if (free >= members)
            {
                continue;
            }
            var held = await db.LicenseAssignments.CountAsync(a => a.TenantId == tenantId && a.SourceId == groupId && a.SkuId == license.SkuId
                && (a.State == LicenseState.Active || a.State == LicenseState.ActiveWithError), ct);
            if (free < members - held)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Whether a member was refused a seat (its rows carry CountViolation).</summary>
    private static bool RefusedASeat(ImmutableArray<MemberOutcome> outcomes)
    {
        foreach (var outcome in outcomes)
        {
            foreach (var row in outcome.Assignments)
            {
                if (row.Error == LicenseError.CountViolation)
                {
                    return true;
                }
            }
        }
        return false;
    }

    private const int EventChunk = 1_000;

    /// <summary>
    /// The batch's events in chain order (Start…, one <c>Change user license</c> per changed user in outcome order,
    /// Finish…), sealed after <paramref name="head"/> and written to <paramref name="chunks"/> a chunk at a time;
    /// completes <paramref name="chunks"/>, with the exception if one is thrown.
    /// </summary>
    private static void SealedEvents(
        ChainHead head, AuditEvent? started, AuditEvent? finished, TenantSnapshot tenant, Guid correlationId, DateTimeOffset now,
        Dictionary<Guid, BatchUser> users, List<MemberOutcome> changed, IReadOnlyDictionary<Guid, AddressConflict> proxyClashes,
        ChannelWriter<List<AuditEvent>> chunks)
    {
        try
        {
            var licenseTexts = new LicenseTexts(head.TenantId, tenant);
            var ids = new AuditEventIds(now);
            var chunk = new List<AuditEvent>(EventChunk + 1);
            if (started is not null)
            {
                chunk.Add(started);
            }
            foreach (var outcome in changed)
            {
                var user = users[outcome.UserId];
                var failed = outcome.Assignments.FirstOrDefault(a => a.Error != LicenseError.None);
                chunk.Add(GroupLicensingAudit.UserChanged(
                    head.TenantId, user.Id, user.DisplayName, user.UserPrincipalName,
                    licenseTexts.Of(user.Rows),
                    licenseTexts.Of(outcome.Assignments),
                    failed?.Error ?? LicenseError.None, failed?.AssignedByGroup,
                    correlationId, now, ids.Next(), proxyClashes.GetValueOrDefault(outcome.UserId)));
                if (chunk.Count >= EventChunk)
                {
                    head = AuditChain.SealBeforeInsert(head, chunk);
                    chunks.TryWrite(chunk);
                    chunk = new List<AuditEvent>(EventChunk + 1);
                }
            }
            if (finished is not null)
            {
                chunk.Add(finished);
            }
            if (chunk.Count > 0)
            {
                AuditChain.SealBeforeInsert(head, chunk);
                chunks.TryWrite(chunk);
            }
            chunks.Complete();
        }
        catch (Exception e)
        {
            chunks.Complete(e);
        }
    }

    /// <summary>
    /// The changed users whose mailbox status changed (first mail plan gained, last one lost). Only a user with a
    /// row of a product that has a mail plan, before or after, can have changed: the others are not evaluated.
    /// </summary>
    private static IEnumerable<(Guid UserId, bool HasMailbox)> MailboxChanges(
        TenantSnapshot tenant, HashSet<Guid> mailSkus, Dictionary<Guid, BatchUser> users, List<MemberOutcome> changed)
    {
        if (mailSkus.Count == 0)
        {
            yield break;
        }
        foreach (var outcome in changed)
        {
            var before = users[outcome.UserId].Rows;
            if (!before.Any(r => mailSkus.Contains(r.SkuId)) && !outcome.Assignments.Any(r => mailSkus.Contains(r.SkuId)))
            {
                continue;
            }
            var now = LicenseEngine.HasMailbox(tenant, outcome.Assignments);
            if (now != LicenseEngine.HasMailbox(tenant, before))
            {
                yield return (outcome.UserId, now);
            }
        }
    }

    private static void Diff(Guid userId, List<AssignmentState> before, ImmutableArray<AssignmentState> after, List<RowWrite> writes)
    {
        foreach (var row in after)
        {
            var old = Find(CollectionsMarshal.AsSpan(before), row);
            if (old is null || old.State != row.State || old.Error != row.Error || !old.DisabledPlans.SequenceEqual(row.DisabledPlans))
            {
                writes.Add(new RowWrite(userId, row, Delete: false));
            }
        }
        foreach (var old in before)
        {
            if (Find(after.AsSpan(), old) is null)
            {
                writes.Add(new RowWrite(userId, old, Delete: true));
            }
        }
    }

    private static bool FailedFrom(ImmutableArray<AssignmentState> rows, Guid? groupId)
    {
        foreach (var row in rows)
        {
            if (row.AssignedByGroup == groupId && row.State == LicenseState.Error)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>The row of the same SKU and source (a user has a handful: a loop, no allocation).</summary>
    private static AssignmentState? Find(ReadOnlySpan<AssignmentState> rows, AssignmentState like)
    {
        for (var i = 0; i < rows.Length; i++)
        {
            if (rows[i].SkuId == like.SkuId && rows[i].AssignedByGroup == like.AssignedByGroup)
            {
                return rows[i];
            }
        }
        return null;
    }

    private static async Task ApplySeatsAsync(SkuldDb db, Guid tenantId, SortedDictionary<Guid, int> seats, CancellationToken ct)
    {
        foreach (var (skuId, delta) in seats.Where(s => s.Value != 0))
        {
            var skus = db.TenantSkus.Where(s => s.TenantId == tenantId && s.SkuId == skuId);
            if (delta > 0)
            {
                // The counters are locked for the batch, so this cannot fail unless the engine is wrong; never oversubscribe.
                skus = skus.Where(s => s.ConsumedUnits + delta <= s.EnabledUnits);
            }
            if (await skus.ExecuteUpdateAsync(s => s.SetProperty(t => t.ConsumedUnits, t => t.ConsumedUnits + delta), ct) != 1)
            {
                throw new InvalidOperationException($"Group processing would take more seats of {skuId} than are enabled.");
            }
        }
    }

    private static Task<int> SetGroupStateAsync(SkuldDb db, Guid tenantId, Guid groupId, LicenseProcessingState state, CancellationToken ct) =>
        db.Groups.Where(g => g.TenantId == tenantId && g.Id == groupId)
            .ExecuteUpdateAsync(s => s.SetProperty(g => g.LicenseProcessingState, state), ct);

    private static Task<int> DeleteItemAsync(SkuldDb db, LicenseWorkItem item, CancellationToken ct) =>
        db.LicenseWorkItems.Where(w => w.TenantId == item.TenantId && w.Id == item.Id).ExecuteDeleteAsync(ct);
}
