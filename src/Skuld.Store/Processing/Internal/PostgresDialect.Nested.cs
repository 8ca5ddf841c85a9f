using NpgsqlTypes;

namespace Skuld.Store.Processing.Internal;

/// <summary>Nested group licensing on PostgreSQL (see <see cref="StoreDialect"/>'s nested part for the order it computes).</summary>
internal sealed partial class PostgresDialect
{
    // The groups at or below @g, each with every distinct time at which it joined @g through some path
    // (@g itself at -infinity). UNION keeps (group, time) pairs distinct, so cycles end.
    private const string Subtree =
        "WITH RECURSIVE sub(group_id, since) AS (SELECT @g::uuid, '-infinity'::timestamptz UNION " +
        "SELECT m.member_id, greatest(sub.since, m.added_date_time) FROM sub JOIN group_members m " +
        "ON m.tenant_id = @t AND m.group_id = sub.group_id AND m.member_kind = 'Group') ";

    public override async Task<List<Guid>> TransitiveDepartedAsync(
        SkuldDb db, Guid groupId, Guid? after, int limit, CancellationToken ct)
    {
        await using var command = Command(db,
            Subtree +
            "SELECT DISTINCT a.user_id FROM license_assignments a WHERE a.tenant_id = @t AND a.source_id = @g AND a.user_id > @after " +
            "AND NOT EXISTS (SELECT 1 FROM group_members m WHERE m.tenant_id = a.tenant_id AND m.member_id = a.user_id " +
            "AND m.group_id IN (SELECT group_id FROM sub)) " +
            "ORDER BY a.user_id LIMIT @n");
        command.Parameters.AddWithValue("g", groupId);
        command.Parameters.AddWithValue("after", after ?? Guid.Empty);
        command.Parameters.AddWithValue("n", limit);
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            ids.Add(reader.GetGuid(0));
        }
        return ids;
    }

    public override async Task<List<(Guid Id, DateTimeOffset Added)>> TransitiveMembersAsync(
        SkuldDb db, Guid groupId, DateTimeOffset? afterAdded, Guid? afterId, int limit, CancellationToken ct)
    {
        // Each batch ranks all users below the group again (the order needs the minimum over paths):
        // linear in the subtree per batch, set-based, no query per user.
        await using var command = Command(db,
            Subtree + ", below(id, added) AS (" +
            "SELECT m.member_id, min(greatest(sub.since, m.added_date_time)) FROM sub JOIN group_members m " +
            "ON m.tenant_id = @t AND m.group_id = sub.group_id AND m.member_kind = 'User' GROUP BY m.member_id) " +
            "SELECT id, added FROM below WHERE (added, id) > (@a, @m) ORDER BY added, id LIMIT @n");
        command.Parameters.AddWithValue("g", groupId);
        command.Parameters.Add(new Npgsql.NpgsqlParameter("a", NpgsqlDbType.TimestampTz) { Value = afterAdded?.ToUniversalTime() ?? DateTimeOffset.MinValue.ToUniversalTime() });
        command.Parameters.AddWithValue("m", afterId ?? Guid.Empty);
        command.Parameters.AddWithValue("n", limit);
        var members = new List<(Guid, DateTimeOffset)>(limit);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            members.Add((reader.GetGuid(0), reader.GetFieldValue<DateTimeOffset>(1)));
        }
        return members;
    }

    public override async Task LoadTransitiveLicensedGroupsAsync(
        SkuldDb db, Dictionary<Guid, BatchUser> users,
        IReadOnlyDictionary<Guid, Skuld.Licensing.Engine.GroupLicense> licensedGroups, CancellationToken ct)
    {
        if (users.Count == 0 || licensedGroups.Count == 0)
        {
            return;
        }
        // Upwards from the users: every group above each user with every distinct time it was reached at
        // (UNION keeps the rows distinct, so cycles end); then the earliest per (user, licensed group).
        await using var command = Command(db,
            "WITH RECURSIVE up(user_id, group_id, since) AS (" +
            "SELECT m.member_id, m.group_id, m.added_date_time FROM group_members m WHERE m.tenant_id = @t AND m.member_id = ANY(@ids) UNION " +
            "SELECT up.user_id, p.group_id, greatest(up.since, p.added_date_time) FROM up JOIN group_members p " +
            "ON p.tenant_id = @t AND p.member_id = up.group_id) " +
            "SELECT user_id, group_id, min(since) FROM up " +
            "WHERE group_id IN (SELECT DISTINCT l.group_id FROM group_licenses l WHERE l.tenant_id = @t) GROUP BY user_id, group_id");
        command.Parameters.AddWithValue("ids", users.Keys.ToArray());
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (users.TryGetValue(reader.GetGuid(0), out var user) && licensedGroups.TryGetValue(reader.GetGuid(1), out var group))
            {
                user.Groups.Add(group);
                var since = reader.GetFieldValue<DateTimeOffset>(2);
                if (since < user.MemberSince)
                {
                    user.MemberSince = since;
                }
            }
        }
    }
}
