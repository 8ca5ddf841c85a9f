using Microsoft.EntityFrameworkCore;
using Skuld.Store.Directory;

namespace Skuld.Store.Processing.Internal;

/// <summary>
/// Nested group licensing (a tenant setting, beyond Entra): a licensed group's licenses reach the users
/// below it at any depth, and <c>assignedByGroup</c> names the licensed group. Membership is walked with
/// recursive queries whose rows are deduplicated (<c>UNION</c>, not <c>UNION ALL</c>), so a cycle (A in B
/// in A) ends: each walk only ever yields finitely many distinct rows.
/// <para>
/// Seat-queue order under nesting: a user becomes a member of a licensed group through a path of
/// memberships, at the latest <c>AddedDateTime</c> along that path (a subgroup's old members join the
/// licensed group when the subgroup does); over several paths, the earliest such time counts. So
/// since(user, G) = min over paths G → … → user of max(AddedDateTime along the path); ties go by user id.
/// For a user directly in G this is their own membership time, as without nesting.
/// </para>
/// </summary>
internal abstract partial class StoreDialect
{
    /// <summary>Users who hold rows from the group but are no longer below it at any depth, by id after the cursor.</summary>
    public abstract Task<List<Guid>> TransitiveDepartedAsync(SkuldDb db, Guid groupId, Guid? after, int limit, CancellationToken ct);

    /// <summary>User members of the group at any depth in nested membership order after the cursor, with their membership time.</summary>
    public abstract Task<List<(Guid Id, DateTimeOffset Added)>> TransitiveMembersAsync(
        SkuldDb db, Guid groupId, DateTimeOffset? afterAdded, Guid? afterId, int limit, CancellationToken ct);

    /// <summary>
    /// Fills each user's licensed groups with every licensed group among its transitive memberOf (each
    /// once, however many paths lead there) and its place in the seat queue (the earliest nested membership time).
    /// </summary>
    public abstract Task LoadTransitiveLicensedGroupsAsync(
        SkuldDb db, Dictionary<Guid, BatchUser> users,
        IReadOnlyDictionary<Guid, Skuld.Licensing.Engine.GroupLicense> licensedGroups, CancellationToken ct);

    /// <summary>Whether the tenant licenses members of nested groups (read once per batch).</summary>
    public static Task<bool> NestedGroupLicensingAsync(SkuldDb db, Guid tenantId, CancellationToken ct) =>
        db.Tenants.Where(t => t.Id == tenantId).Select(t => t.NestedGroupLicensing).FirstOrDefaultAsync(ct);

    /// <summary>
    /// The departed sweep of a group job in nested mode. A group without subgroups has the same users
    /// below it as directly in it: the flat query answers (and stays as fast as without nesting).
    /// </summary>
    public async Task<List<Guid>> NestedDepartedAsync(SkuldDb db, Guid groupId, Guid? after, int limit, CancellationToken ct) =>
        await HasSubgroupsAsync(db, groupId, ct)
            ? await TransitiveDepartedAsync(db, groupId, after, limit, ct)
            : await DepartedAsync(db, groupId, after, limit, ct);

    /// <summary>The member sweep of a group job in nested mode; the flat query for a group without subgroups (same order, same times).</summary>
    public async Task<List<(Guid Id, DateTimeOffset Added)>> NestedMembersAsync(
        SkuldDb db, Guid groupId, DateTimeOffset? afterAdded, Guid? afterId, int limit, CancellationToken ct) =>
        await HasSubgroupsAsync(db, groupId, ct)
            ? await TransitiveMembersAsync(db, groupId, afterAdded, afterId, limit, ct)
            : await MembersAsync(db, groupId, afterAdded, afterId, limit, ct);

    private static Task<bool> HasSubgroupsAsync(SkuldDb db, Guid groupId, CancellationToken ct) =>
        db.GroupMembers.AnyAsync(m => m.GroupId == groupId && m.MemberKind == MemberKind.Group, ct);
}
