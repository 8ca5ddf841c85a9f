using System.Text.Json;
using Skuld.Store.Audit;
using Skuld.Store.Directory;

namespace Skuld.Store.Processing;

/// <summary>
/// Enqueues durable license work. Each method only adds to the context: the caller saves it in the
/// same SaveChanges/transaction as the change that caused it, then calls <see cref="LicenseWorkSignal.Notify"/>
/// after the commit, so work exists exactly when its cause does.
/// </summary>
public static class LicenseWork
{
    /// <summary>
    /// Re-evaluates every member of a group (its licenses changed, or a reprocess of the group) and
    /// sets the group's <see cref="Group.LicenseProcessingState"/> to QueuedForProcessing. The group
    /// entity is taken from the change tracker when the caller has it, else loaded (tracked) with Find.
    /// </summary>
    public static void EnqueueGroup(SkuldDb db, Guid tenantId, Guid groupId, Actor actor, Guid correlationId, DateTimeOffset now)
    {
        var group = db.Groups.Local.FirstOrDefault(g => g.TenantId == tenantId && g.Id == groupId)
            ?? db.Groups.Find(tenantId, groupId);
        if (group is not null)
        {
            group.LicenseProcessingState = LicenseProcessingState.QueuedForProcessing;
        }

        db.LicenseWorkItems.Add(New(tenantId, LicenseWorkKind.Group, groupId, [], actor, correlationId, now));
    }

    /// <summary>
    /// Re-evaluates a few users, each against all their current licensed groups: a membership added or
    /// removed, a usage location changed, reprocessLicenseAssignment. Only these users are touched.
    /// </summary>
    public static void EnqueueUsers(SkuldDb db, Guid tenantId, IReadOnlyCollection<Guid> userIds, Actor actor, Guid correlationId, DateTimeOffset now)
    {
        if (userIds.Count > 0)
        {
            db.LicenseWorkItems.Add(New(tenantId, LicenseWorkKind.Users, null, [.. userIds.Distinct().Order()], actor, correlationId, now));
        }
    }

    /// <summary>
    /// Re-evaluates every licensed group of the tenant (a subscription's units changed): the worker
    /// turns it into one group item per licensed group, in one transaction.
    /// </summary>
    public static void EnqueueTenant(SkuldDb db, Guid tenantId, Actor actor, Guid correlationId, DateTimeOffset now) =>
        db.LicenseWorkItems.Add(New(tenantId, LicenseWorkKind.Tenant, null, [], actor, correlationId, now));

    internal static string ActorJson(Actor actor) => JsonSerializer.Serialize(actor);

    internal static Actor ActorOf(string json) =>
        JsonSerializer.Deserialize<Actor>(json) ?? throw new InvalidOperationException("A license work item has no actor.");

    internal static LicenseWorkItem New(
        Guid tenantId, LicenseWorkKind kind, Guid? groupId, List<Guid> userIds, Actor actor, Guid correlationId, DateTimeOffset now) => new()
        {
            TenantId = tenantId,
            Id = Guid.CreateVersion7(now),
            Kind = kind,
            GroupId = groupId,
            UserIds = userIds,
            CorrelationId = correlationId,
            Actor = ActorJson(actor),
            EnqueuedAt = now,
            Phase = kind == LicenseWorkKind.Group ? LicenseWorkPhase.Departed : LicenseWorkPhase.Members,
        };
}
