using Microsoft.EntityFrameworkCore;
using Skuld.Store;
using Skuld.Store.Directory;

namespace Skuld.Server.Graph.Groups;

/// <summary>A directory object by id and kind: a member of a group, or a group a member belongs to.</summary>
public readonly record struct DirectoryObjectRef(Guid Id, MemberKind Kind);

/// <summary>
/// Direct and transitive membership, level by level (one query per level of nesting). Each group is
/// expanded once, so cycles (A in B in A) end and nobody is listed twice.
/// </summary>
public static class Membership
{
    /// <summary>Everything below <paramref name="groupId"/>: its members, their members, and so on; never the group itself.</summary>
    public static async Task<List<DirectoryObjectRef>> TransitiveMembersAsync(SkuldDb db, Guid tenantId, Guid groupId, CancellationToken ct)
    {
        var expanded = new HashSet<Guid> { groupId };
        var found = new Dictionary<Guid, MemberKind>();
        List<Guid> frontier = [groupId];
        while (frontier.Count > 0)
        {
            var level = frontier;
            var rows = await db.GroupMembers.AsNoTracking()
                .Where(m => m.TenantId == tenantId && level.Contains(m.GroupId))
                .Select(m => new { m.MemberId, m.MemberKind })
                .ToListAsync(ct);
            frontier = [];
            foreach (var row in rows)
            {
                if (row.MemberId != groupId)
                {
                    found.TryAdd(row.MemberId, row.MemberKind);
                }

                if (row.MemberKind == MemberKind.Group && expanded.Add(row.MemberId))
                {
                    frontier.Add(row.MemberId);
                }
            }
        }

        return [.. found.Select(f => new DirectoryObjectRef(f.Key, f.Value))];
    }

    /// <summary>The users below <paramref name="groupId"/> at any depth.</summary>
    public static async Task<IReadOnlyCollection<Guid>> TransitiveUserIdsAsync(SkuldDb db, Guid tenantId, Guid groupId, CancellationToken ct) =>
        [.. (await TransitiveMembersAsync(db, tenantId, groupId, ct)).Where(m => m.Kind == MemberKind.User).Select(m => m.Id)];

    /// <summary>The groups <paramref name="memberId"/> belongs to directly.</summary>
    public static Task<List<Guid>> GroupsOfAsync(SkuldDb db, Guid tenantId, Guid memberId, CancellationToken ct) =>
        db.GroupMembers.AsNoTracking()
            .Where(m => m.TenantId == tenantId && m.MemberId == memberId)
            .Select(m => m.GroupId)
            .ToListAsync(ct);

    /// <summary>The groups <paramref name="memberId"/> belongs to at any depth; never the object itself.</summary>
    public static async Task<List<Guid>> TransitiveGroupsOfAsync(SkuldDb db, Guid tenantId, Guid memberId, CancellationToken ct)
    {
        var seen = new HashSet<Guid> { memberId };
        var found = new List<Guid>();
        List<Guid> frontier = [memberId];
        while (frontier.Count > 0)
        {
            var level = frontier;
            var parents = await db.GroupMembers.AsNoTracking()
                .Where(m => m.TenantId == tenantId && level.Contains(m.MemberId))
                .Select(m => m.GroupId)
                .Distinct()
                .ToListAsync(ct);
            frontier = [.. parents.Where(seen.Add)];
            found.AddRange(frontier);
        }

        return found;
    }
}
