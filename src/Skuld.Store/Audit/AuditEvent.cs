using System.Linq.Expressions;

namespace Skuld.Store.Audit;

/// <summary>
/// One directory audit record, shaped like Graph's directoryAudit. Written in the same transaction as
/// the change it records. Nested parts (initiatedBy, targetResources, additionalDetails) are kept as
/// the JSON Graph returns, with the actor's ids in their own columns for filtering.
/// </summary>
public sealed class AuditEvent
{
    public required Guid TenantId { get; init; }
    public required Guid Id { get; init; }
    public required DateTimeOffset ActivityDateTime { get; init; }
    public required string ActivityDisplayName { get; init; }
    /// <summary><c>UserManagement</c>, <c>GroupManagement</c>, <c>ApplicationManagement</c>, …</summary>
    public required string Category { get; init; }
    /// <summary><c>success</c> or <c>failure</c>.</summary>
    public required string Result { get; init; }
    public string? ResultReason { get; init; }
    /// <summary><c>Add</c>, <c>Update</c>, <c>Delete</c>, <c>Assign</c>, <c>Unassign</c>.</summary>
    public required string OperationType { get; init; }
    public required Guid CorrelationId { get; init; }
    public string LoggedByService { get; init; } = "Core Directory";
    public Guid? InitiatedByUserId { get; init; }
    /// <summary>
    /// The initiating user's principal name as a lookup key (<see cref="Directory.User.KeyOf"/>, upper-cased like the
    /// users' own key), so <c>initiatedBy/user/userPrincipalName</c> filters compare an indexed column; null for an app.
    /// </summary>
    public string? InitiatedByUserPrincipalNameKey { get; init; }
    public Guid? InitiatedByAppId { get; init; }
    /// <summary>Graph's <c>initiatedBy</c> object as JSON.</summary>
    public required string InitiatedBy { get; init; }
    /// <summary>Graph's <c>targetResources</c> array as JSON.</summary>
    public required string TargetResources { get; init; }
    /// <summary>Graph's <c>additionalDetails</c> array as JSON.</summary>
    public string AdditionalDetails { get; init; } = "[]";
    /// <summary>
    /// The id of <see cref="TargetResources"/> when the event has exactly one target (most do, and every per-user event
    /// of a group job): an indexed column of the event instead of a <see cref="Targets"/> row, which would cost a row,
    /// two index entries and a foreign-key check per event. Writers fill it with the JSON (<see cref="AuditRecord"/>).
    /// </summary>
    public Guid? TargetId { get; init; }
    /// <summary>
    /// The ids of <see cref="TargetResources"/>, one row each, for events with several targets (and for events written
    /// before <see cref="TargetId"/> existed). Filter through <see cref="Names"/>, which looks in both.
    /// </summary>
    public List<AuditEventTarget> Targets { get; init; } = [];

    /// <summary>Whether the event names <paramref name="targetId"/> among its targets (exact, by id).</summary>
    public static Expression<Func<AuditEvent, bool>> Names(Guid targetId) =>
        e => e.TargetId == targetId || e.Targets.Any(t => t.TargetId == targetId);

    // Tamper evidence (see AuditChain): null until the tenant's chain is sealed past this event.
    // Writers never set these, so inserts (including bulk ones) take no per-tenant lock.

    /// <summary>Position in the tenant's hash chain, from 1; null while unsealed.</summary>
    public long? Sequence { get; internal set; }
    /// <summary>Lowercase hex SHA-256 of the previous hash and this event's canonical columns.</summary>
    public string? Hash { get; internal set; }
    /// <summary>The hash of the event before this one (or the purge anchor); null for the first event of the chain.</summary>
    public string? PreviousHash { get; internal set; }
}
