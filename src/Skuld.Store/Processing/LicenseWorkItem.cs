namespace Skuld.Store.Processing;

/// <summary>What a unit of license work re-evaluates.</summary>
public enum LicenseWorkKind
{
    /// <summary>Every member of one group (its licenses changed), plus users still holding rows from it.</summary>
    Group,

    /// <summary>A few users, each against all their licensed groups (membership, usage location, reprocess).</summary>
    Users,

    /// <summary>Every licensed group of the tenant (a subscription's units changed); expands into group items.</summary>
    Tenant,
}

/// <summary>
/// Where a group job is: users who left the group first (they only give seats back), then its members:
/// in membership order (the seat queue) when the free seats may not suffice for every member, else in
/// user-id order (the key order of the license rows, so each batch writes into one region of the table).
/// </summary>
public enum LicenseWorkPhase
{
    Departed,
    /// <summary>Members in membership order; cursor (membership time, member id).</summary>
    Members,
    /// <summary>Members in user-id order, because nobody can be refused a seat; cursor: the last member id.</summary>
    MembersByKey,
}

/// <summary>
/// Durable license work, enqueued in the transaction of the change that caused it and processed in
/// batches by the worker. Each batch is one transaction that also advances the cursor here, so a crash
/// loses at most the batch in flight, which is then redone exactly once.
/// </summary>
public sealed class LicenseWorkItem
{
    public required Guid TenantId { get; init; }
    /// <summary>Version 7: ids sort in enqueue order.</summary>
    public required Guid Id { get; init; }
    public required LicenseWorkKind Kind { get; init; }
    public Guid? GroupId { get; init; }
    /// <summary>For <see cref="LicenseWorkKind.Users"/>: the users to re-evaluate.</summary>
    public List<Guid> UserIds { get; init; } = [];
    public required Guid CorrelationId { get; init; }
    /// <summary>The <see cref="Audit.Actor"/> who caused the work, as JSON (named in the Start/Finish events).</summary>
    public required string Actor { get; init; }
    public required DateTimeOffset EnqueuedAt { get; init; }
    /// <summary>The process that committed the last batch (informational: the batch transaction itself is the lease).</summary>
    public string? LeaseOwner { get; set; }
    public DateTimeOffset? LeaseExpiresAt { get; set; }
    public LicenseWorkPhase Phase { get; set; }
    /// <summary>Keyset cursor: the last member processed, (membership time, member id); or the last user id of a user or departed sweep.</summary>
    public DateTimeOffset? CursorAddedDateTime { get; set; }
    public Guid? CursorMemberId { get; set; }
    /// <summary>Batches committed so far; the next batch's number in <see cref="LicenseWorkLog"/>.</summary>
    public int Batches { get; set; }
    public int Successes { get; set; }
    public int Failures { get; set; }
    /// <summary>The Start event was written (in the first batch's transaction).</summary>
    public bool Started { get; set; }
}
