using Skuld.Store;
using Skuld.Store.Audit;

namespace Skuld.Server.Graph.Groups;

/// <summary>
/// Stand-in for the processing branch's durable work queue (same names and signatures), until it is
/// merged: this file is deleted then. Enqueues nothing.
/// </summary>
public static class LicenseWork
{
    public static void EnqueueGroup(SkuldDb db, Guid tenantId, Guid groupId, Actor actor, Guid correlationId, DateTimeOffset now)
    {
    }

    public static void EnqueueUsers(SkuldDb db, Guid tenantId, IReadOnlyCollection<Guid> userIds, Actor actor, Guid correlationId, DateTimeOffset now)
    {
    }
}

/// <summary>Stand-in for the processing branch's worker wake-up signal; deleted when it is merged.</summary>
public sealed class LicenseWorkSignal
{
    public void Notify()
    {
    }
}
