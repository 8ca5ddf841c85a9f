namespace Skuld.Store.Processing.Internal;

/// <summary>Nested group licensing on SQLite (see <see cref="StoreDialect"/>'s nested part for the order it computes).</summary>
internal sealed partial class SqliteDialect
{
    // The groups at or below $g, each with every distinct time at which it joined $g through some path
    // ($g itself at the dawn of time). UNION keeps (group, time) pairs distinct, so cycles end.
    // CROSS JOIN fixes SQLite's loop order (the few groups outside, their members by index inside): without
    // statistics the planner may otherwise scan the tenant's whole membership table per row.
    private const string Subtree =
        "WITH RECURSIVE sub(group_id, since) AS (SELECT $g, $min UNION " +
        "SELECT m.member_id, max(sub.since, m.added_date_time) FROM sub CROSS JOIN group_members m " +
        "ON m.tenant_id = $t AND m.group_id = sub.group_id AND m.member_kind = 'Group') ";

    // The (tenant_id, member_id) index of GroupMemberConfiguration, by EF Core's name for it.
    private const string ByMember = "\"IX_group_members_tenant_id_member_id\"";

    public override async Task<List<Guid>> TransitiveDepartedAsync(
        SkuldDb db, Guid groupId, Guid? after, int limit, CancellationToken ct)
    {
        await using var command = Command(db,
            Subtree +
            "SELECT DISTINCT a.user_id FROM license_assignments a WHERE a.tenant_id = $t AND a.source_id = $g AND a.user_id > $after " +
            "AND NOT EXISTS (SELECT 1 FROM group_members m WHERE m.tenant_id = a.tenant_id AND m.member_id = a.user_id " +
            "AND m.group_id IN (SELECT group_id FROM sub)) " +
            "ORDER BY a.user_id LIMIT $n");
        command.Parameters.AddWithValue("$g", Text(groupId));
        command.Parameters.AddWithValue("$min", long.MinValue);
        command.Parameters.AddWithValue("$after", after is { } a ? Text(a) : "");
        command.Parameters.AddWithValue("$n", limit);
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (reader.Read())
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
            "SELECT m.member_id, min(max(sub.since, m.added_date_time)) FROM sub CROSS JOIN group_members m " +
            "ON m.tenant_id = $t AND m.group_id = sub.group_id AND m.member_kind = 'User' GROUP BY m.member_id) " +
            "SELECT id, added FROM below WHERE (added, id) > ($a, $m) ORDER BY added, id LIMIT $n");
        command.Parameters.AddWithValue("$g", Text(groupId));
        command.Parameters.AddWithValue("$min", long.MinValue);
        command.Parameters.AddWithValue("$a", afterAdded?.UtcTicks ?? long.MinValue);
        command.Parameters.AddWithValue("$m", afterId is { } m ? Text(m) : "");
        command.Parameters.AddWithValue("$n", limit);
        var members = new List<(Guid, DateTimeOffset)>(limit);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (reader.Read())
        {
            members.Add((reader.GetGuid(0), new DateTimeOffset(reader.GetInt64(1), TimeSpan.Zero)));
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
        // INDEXED BY and CROSS JOIN (loop order: the rows found so far outside, their parents by index inside):
        // without statistics SQLite 3.53 otherwise scans the tenant's memberships by tenant alone and the
        // recursive rows inside them, which made 3,000 users take 11 s instead of milliseconds.
        await using var command = Command(db,
            "WITH RECURSIVE up(user_id, group_id, since) AS (" +
            "SELECT m.member_id, m.group_id, m.added_date_time FROM group_members m INDEXED BY " + ByMember + " " +
            "WHERE m.tenant_id = $t AND m.member_id IN (SELECT value FROM json_each($ids)) UNION " +
            "SELECT up.user_id, p.group_id, max(up.since, p.added_date_time) FROM up CROSS JOIN group_members p INDEXED BY " + ByMember + " " +
            "ON p.tenant_id = $t AND p.member_id = up.group_id) " +
            "SELECT user_id, group_id, min(since) FROM up " +
            "WHERE group_id IN (SELECT DISTINCT l.group_id FROM group_licenses l WHERE l.tenant_id = $t) GROUP BY user_id, group_id");
        command.Parameters.AddWithValue("$ids", IdsJson(users.Keys));
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (reader.Read())
        {
            if (users.TryGetValue(reader.GetGuid(0), out var user) && licensedGroups.TryGetValue(reader.GetGuid(1), out var group))
            {
                user.Groups.Add(group);
                var since = new DateTimeOffset(reader.GetInt64(2), TimeSpan.Zero);
                if (since < user.MemberSince)
                {
                    user.MemberSince = since;
                }
            }
        }
    }
}
