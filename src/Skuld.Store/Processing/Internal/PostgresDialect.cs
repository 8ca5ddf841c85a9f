using System.Collections.Immutable;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using Skuld.Licensing.Engine;
using Skuld.Store.Audit;

namespace Skuld.Store.Processing.Internal;

/// <summary>
/// PostgreSQL: the claim is a row lock (<c>FOR UPDATE SKIP LOCKED</c>) held by the batch's transaction,
/// so a process that dies releases it with its connection; bulk writes are one statement per batch
/// over <c>unnest</c> of array parameters.
/// </summary>
internal sealed partial class PostgresDialect : StoreDialect
{
    public static readonly PostgresDialect Instance = new();

    // SKIP LOCKED: another process's head item is skipped, and the next item of that tenant is not a head,
    // so a tenant's work is never processed by two transactions at once.
    private const string HeadOfTenant =
        "SELECT * FROM license_work_items w WHERE NOT EXISTS (SELECT 1 FROM license_work_items h WHERE h.tenant_id = w.tenant_id " +
        "AND (h.enqueued_at < w.enqueued_at OR (h.enqueued_at = w.enqueued_at AND h.id < w.id))) ORDER BY w.enqueued_at, w.id LIMIT 1 FOR UPDATE SKIP LOCKED";

    // The one query of processing that spans tenants: it picks any tenant's head item.
    public override async Task<LicenseWorkItem?> ClaimAsync(SkuldDb db, CancellationToken ct) =>
        (await db.LicenseWorkItems.FromSqlRaw(HeadOfTenant).AcrossTenants().AsNoTracking().ToListAsync(ct)).FirstOrDefault();

    public override async Task LockSeatsAsync(SkuldDb db, CancellationToken ct)
    {
        // One order for all writers (direct changes update the counters by sku id too).
        await using var command = Command(db, "SELECT 1 FROM tenant_skus WHERE tenant_id = @t ORDER BY sku_id FOR UPDATE");
        await command.ExecuteNonQueryAsync(ct);
    }

    public override async Task<List<Guid>> DepartedAsync(SkuldDb db, Guid groupId, Guid? after, int limit, CancellationToken ct)
    {
        await using var command = Command(db,
            "SELECT DISTINCT a.user_id FROM license_assignments a WHERE a.tenant_id = @t AND a.source_id = @g AND a.user_id > @after " +
            "AND NOT EXISTS (SELECT 1 FROM group_members m WHERE m.tenant_id = a.tenant_id AND m.group_id = @g AND m.member_id = a.user_id) " +
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

    public override async Task<List<(Guid Id, DateTimeOffset Added)>> MembersAsync(
        SkuldDb db, Guid groupId, DateTimeOffset? afterAdded, Guid? afterId, int limit, CancellationToken ct)
    {
        await using var command = Command(db,
            "SELECT m.member_id, m.added_date_time FROM group_members m WHERE m.tenant_id = @t AND m.group_id = @g AND m.member_kind = 'User' " +
            "AND (m.added_date_time, m.member_id) > (@a, @m) ORDER BY m.added_date_time, m.member_id LIMIT @n");
        command.Parameters.AddWithValue("g", groupId);
        command.Parameters.Add(new NpgsqlParameter("a", NpgsqlDbType.TimestampTz) { Value = afterAdded?.ToUniversalTime() ?? DateTimeOffset.MinValue.ToUniversalTime() });
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

    public override async Task<List<(Guid Id, DateTimeOffset Added)>> MembersByKeyAsync(
        SkuldDb db, Guid groupId, Guid? afterId, int limit, CancellationToken ct)
    {
        await using var command = Command(db,
            "SELECT m.member_id, m.added_date_time FROM group_members m WHERE m.tenant_id = @t AND m.group_id = @g AND m.member_id > @m " +
            "AND m.member_kind = 'User' ORDER BY m.member_id LIMIT @n");
        command.Parameters.AddWithValue("g", groupId);
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

    public override async Task<Dictionary<Guid, Skuld.Licensing.Engine.GroupLicense>> LicensedGroupsAsync(SkuldDb db, CancellationToken ct)
    {
        await using var command = Command(db, "SELECT group_id, sku_id, disabled_plans FROM group_licenses WHERE tenant_id = @t ORDER BY group_id, sku_id");
        var licenses = new List<(Guid Group, LicenseRequest License)>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                licenses.Add((reader.GetGuid(0), new LicenseRequest(reader.GetGuid(1), [.. reader.GetFieldValue<Guid[]>(2)])));
            }
        }
        return licenses.GroupBy(l => l.Group).ToDictionary(
            g => g.Key, g => new Skuld.Licensing.Engine.GroupLicense(g.Key, [.. g.Select(l => l.License)]));
    }

    public override async Task LoadUsersAsync(
        SkuldDb db, Dictionary<Guid, BatchUser> users,
        IReadOnlyDictionary<Guid, Skuld.Licensing.Engine.GroupLicense> licensedGroups, CancellationToken ct)
    {
        var ids = users.Keys.ToArray();
        var found = new HashSet<Guid>(users.Count);
        // The row lock orders this batch with direct changes of the same users (they lock the user row first too).
        await using (var command = Command(db,
            "SELECT id, usage_location, user_principal_name, display_name FROM users WHERE tenant_id = @t AND id = ANY(@ids) ORDER BY id FOR UPDATE"))
        {
            command.Parameters.AddWithValue("ids", ids);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var user = users[reader.GetGuid(0)];
                user.UsageLocation = reader.IsDBNull(1) ? null : reader.GetString(1);
                user.UserPrincipalName = reader.GetString(2);
                user.DisplayName = reader.GetString(3);
                found.Add(user.Id);
            }
        }
        foreach (var id in users.Keys.Where(id => !found.Contains(id)).ToList())
        {
            users.Remove(id);
        }

        await using (var command = Command(db,
            "SELECT user_id, sku_id, source_id, disabled_plans, state, error FROM license_assignments WHERE tenant_id = @t AND user_id = ANY(@ids)"))
        {
            command.Parameters.AddWithValue("ids", ids);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                if (users.TryGetValue(reader.GetGuid(0), out var user))
                {
                    var source = reader.GetGuid(2);
                    user.Rows.Add(new AssignmentState(
                        reader.GetGuid(1),
                        source == Guid.Empty ? null : source,
                        [.. reader.GetFieldValue<Guid[]>(3)],
                        Enum.Parse<LicenseState>(reader.GetString(4)),
                        Enum.Parse<LicenseError>(reader.GetString(5))));
                }
            }
        }

        await LoadMembershipsAsync(db, users, licensedGroups, ct);
    }

    public override async Task LoadMembershipsAsync(
        SkuldDb db, Dictionary<Guid, BatchUser> users,
        IReadOnlyDictionary<Guid, Skuld.Licensing.Engine.GroupLicense> licensedGroups, CancellationToken ct)
    {
        if (licensedGroups.Count == 0 || users.Count == 0)
        {
            return;
        }
        var ids = users.Keys.ToArray();
        await using (var command = Command(db,
            "SELECT m.member_id, m.group_id, m.added_date_time FROM group_members m WHERE m.tenant_id = @t AND m.member_id = ANY(@ids) " +
            "AND m.group_id IN (SELECT DISTINCT l.group_id FROM group_licenses l WHERE l.tenant_id = @t)"))
        {
            command.Parameters.AddWithValue("ids", ids);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                if (users.TryGetValue(reader.GetGuid(0), out var user) && licensedGroups.TryGetValue(reader.GetGuid(1), out var group))
                {
                    user.Groups.Add(group);
                    var added = reader.GetFieldValue<DateTimeOffset>(2);
                    if (added < user.MemberSince)
                    {
                        user.MemberSince = added;
                    }
                }
            }
        }
    }

    public override async Task WriteRowsAsync(SkuldDb db, List<RowWrite> writes, DateTimeOffset now, CancellationToken ct)
    {
        var upserts = writes.Where(w => !w.Delete).ToList();
        var deletes = writes.Where(w => w.Delete).ToList();
        if (deletes.Count > 0)
        {
            await using var command = Command(db,
                "DELETE FROM license_assignments a USING unnest(@u, @s, @src) AS x(u, s, src) " +
                "WHERE a.tenant_id = @t AND a.user_id = x.u AND a.sku_id = x.s AND a.source_id = x.src");
            command.Parameters.AddWithValue("u", deletes.Select(w => w.UserId).ToArray());
            command.Parameters.AddWithValue("s", deletes.Select(w => w.State.SkuId).ToArray());
            command.Parameters.AddWithValue("src", deletes.Select(w => w.SourceId).ToArray());
            await command.ExecuteNonQueryAsync(ct);
        }
        if (upserts.Count > 0)
        {
            // A uuid[] per row cannot travel inside an array parameter (PostgreSQL arrays are rectangular):
            // each row's list goes as an array literal and is cast back.
            await using var command = Command(db,
                "INSERT INTO license_assignments (tenant_id, user_id, sku_id, source_id, disabled_plans, state, error, assigned_date_time, last_updated_date_time) " +
                "SELECT @t, x.u, x.s, x.src, x.dp::uuid[], x.st, x.er, @now, @now FROM unnest(@u, @s, @src, @dp, @st, @er) AS x(u, s, src, dp, st, er) " +
                "ON CONFLICT (tenant_id, user_id, sku_id, source_id) DO UPDATE SET disabled_plans = excluded.disabled_plans, state = excluded.state, " +
                "error = excluded.error, last_updated_date_time = excluded.last_updated_date_time");
            command.Parameters.Add(new NpgsqlParameter("now", NpgsqlDbType.TimestampTz) { Value = now.ToUniversalTime() });
            command.Parameters.AddWithValue("u", upserts.Select(w => w.UserId).ToArray());
            command.Parameters.AddWithValue("s", upserts.Select(w => w.State.SkuId).ToArray());
            command.Parameters.AddWithValue("src", upserts.Select(w => w.SourceId).ToArray());
            command.Parameters.AddWithValue("dp", upserts.Select(w => ArrayLiteral(w.State.DisabledPlans)).ToArray());
            command.Parameters.AddWithValue("st", upserts.Select(w => w.State.State.ToString()).ToArray());
            command.Parameters.AddWithValue("er", upserts.Select(w => w.State.Error.ToString()).ToArray());
            await command.ExecuteNonQueryAsync(ct);
        }
    }

    public override async Task WriteAuditAsync(SkuldDb db, List<AuditEvent> events, CancellationToken ct)
    {
        if (events.Count == 0)
        {
            return;
        }
        TenantSql.RequireScope(db, events.Select(e => e.TenantId));
        await using var command = Command(db,
            "INSERT INTO audit_events (tenant_id, id, activity_date_time, activity_display_name, category, result, result_reason, operation_type, " +
            "correlation_id, logged_by_service, initiated_by_user_id, initiated_by_app_id, initiated_by, target_resources, additional_details, target_id, " +
            "sequence, previous_hash, hash) " +
            "SELECT @t, x.* FROM unnest(@id, @at, @name, @cat, @res, @reason, @op, @corr, @svc, @iu, @ia, @ib, @tr, @ad, @tid, @seq, @prev, @hash) AS x");
        command.Parameters.AddWithValue("id", events.Select(e => e.Id).ToArray());
        command.Parameters.Add(new NpgsqlParameter("at", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = events.Select(e => e.ActivityDateTime.ToUniversalTime()).ToArray() });
        command.Parameters.AddWithValue("name", events.Select(e => e.ActivityDisplayName).ToArray());
        command.Parameters.AddWithValue("cat", events.Select(e => e.Category).ToArray());
        command.Parameters.AddWithValue("res", events.Select(e => e.Result).ToArray());
        command.Parameters.Add(new NpgsqlParameter("reason", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = events.Select(e => e.ResultReason).ToArray() });
        command.Parameters.AddWithValue("op", events.Select(e => e.OperationType).ToArray());
        command.Parameters.AddWithValue("corr", events.Select(e => e.CorrelationId).ToArray());
        command.Parameters.AddWithValue("svc", events.Select(e => e.LoggedByService).ToArray());
        command.Parameters.Add(new NpgsqlParameter("iu", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = events.Select(e => e.InitiatedByUserId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("ia", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = events.Select(e => e.InitiatedByAppId).ToArray() });
        command.Parameters.AddWithValue("ib", events.Select(e => e.InitiatedBy).ToArray());
        command.Parameters.AddWithValue("tr", events.Select(e => e.TargetResources).ToArray());
        command.Parameters.AddWithValue("ad", events.Select(e => e.AdditionalDetails).ToArray());
        command.Parameters.Add(new NpgsqlParameter("tid", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = events.Select(e => e.TargetId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("seq", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = events.Select(e => e.Sequence).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("prev", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = events.Select(e => e.PreviousHash).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("hash", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = events.Select(e => e.Hash).ToArray() });
        await command.ExecuteNonQueryAsync(ct);
    }

    private static string ArrayLiteral(ImmutableArray<Guid> ids) =>
        ids.IsDefaultOrEmpty ? "{}" : "{" + string.Join(',', ids) + "}";

    // @t is the scope's tenant (TenantSql).
    private static NpgsqlCommand Command(SkuldDb db, string sql) => (NpgsqlCommand)TenantSql.Command(db, sql);
}
