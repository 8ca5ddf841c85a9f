using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Skuld.Licensing.Engine;
using Skuld.Store.Audit;
using Skuld.Store.Providers;

namespace Skuld.Store.Processing.Internal;

/// <summary>
/// SQLite: values are written the way EF Core stores them (GUIDs as upper-case text, times as UTC
/// ticks, enums by name, GUID lists as JSON text); bulk writes reuse one prepared statement inside
/// the batch's transaction, rows in key order.
/// </summary>
internal sealed partial class SqliteDialect : StoreDialect
{
    public static readonly SqliteDialect Instance = new();

    private const string HeadOfTenant =
        "SELECT * FROM license_work_items w WHERE NOT EXISTS (SELECT 1 FROM license_work_items h WHERE h.tenant_id = w.tenant_id " +
        "AND (h.enqueued_at < w.enqueued_at OR (h.enqueued_at = w.enqueued_at AND h.id < w.id))) ORDER BY w.enqueued_at, w.id LIMIT 1";

    // The one query of processing that spans tenants: it picks any tenant's head item.
    public override async Task<LicenseWorkItem?> ClaimAsync(SkuldDb db, CancellationToken ct) =>
        // Microsoft.Data.Sqlite begins transactions IMMEDIATE: holding the write lock is the claim.
        (await db.LicenseWorkItems.FromSqlRaw(HeadOfTenant).AcrossTenants().AsNoTracking().ToListAsync(ct)).FirstOrDefault();

    public override async Task LockSeatsAsync(SkuldDb db, CancellationToken ct)
    {
        // No lock needed (the writer lock is held); a large page cache instead, because a group's batches
        // write into the whole license table in membership order, not key order. Applies to the batch's connection (a pooled
        // one is set back by EndBatch; a processing loop's own keeps it).
        // The log is copied into the file beside processing (Committed); the writer checkpoints itself only when
        // that falls far behind.
        await using var command = Command(db, BatchCache);
        await command.ExecuteNonQueryAsync(ct);
    }

    private const string BatchCache = "PRAGMA cache_size = -262144; PRAGMA wal_autocheckpoint = 65536";

    /// <summary>
    /// The store's connection string for a connection of its own beside the pooled ones (a processing loop's writer, a
    /// read ahead, the checkpointer): not pooled, so neither it nor its page cache is handed to API requests afterwards,
    /// and never creating the file (a store deleted meanwhile fails the open).
    /// </summary>
    internal static string OwnConnectionString(string? connectionString) =>
        new SqliteConnectionStringBuilder(connectionString) { Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString();

    public override async Task<System.Data.Common.DbConnection?> OpenLoopConnectionAsync(SkuldDb db, CancellationToken ct)
    {
        var connection = new SqliteConnection(OwnConnectionString(db.Database.GetConnectionString()));
        try
        {
            await connection.OpenAsync(ct);
            await SqlitePragmas.ApplyAsync(connection, ct);
            await using var command = connection.CreateCommand();
            command.CommandText = BatchCache;
            await command.ExecuteNonQueryAsync(ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public override void Committed(SkuldDb db) => SqliteCheckpoints.Request(db.Database.GetConnectionString()!);

    /// <summary>
    /// SQLite's defaults again (2 MB page cache, checkpoint every 1,000 pages): the connection returns to the pool, where
    /// API requests would otherwise inherit a 256 MB cache, one per pooled connection that ever ran a batch. Shrinking
    /// the cache frees its clean pages; the next batch reads the few it needs again from the OS cache.
    /// </summary>
    public override void EndBatch(SkuldDb db)
    {
        if (db.Database.GetDbConnection().State != System.Data.ConnectionState.Open)
        {
            return;
        }
        try
        {
            using var command = Command(db, "PRAGMA cache_size = -2000; PRAGMA wal_autocheckpoint = 1000");
            command.ExecuteNonQuery();
        }
        catch (SqliteException)
        {
            // A connection that fails here is broken; never hide the batch's own outcome behind it.
        }
    }

    public override async Task<List<Guid>> DepartedAsync(SkuldDb db, Guid groupId, Guid? after, int limit, CancellationToken ct)
    {
        await using var command = Command(db,
            "SELECT DISTINCT a.user_id FROM license_assignments a WHERE a.tenant_id = $t AND a.source_id = $g AND a.user_id > $after " +
            "AND NOT EXISTS (SELECT 1 FROM group_members m WHERE m.tenant_id = a.tenant_id AND m.group_id = $g AND m.member_id = a.user_id) " +
            "ORDER BY a.user_id LIMIT $n");
        command.Parameters.AddWithValue("$g", Text(groupId));
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

    public override async Task<List<(Guid Id, DateTimeOffset Added)>> MembersAsync(
        SkuldDb db, Guid groupId, DateTimeOffset? afterAdded, Guid? afterId, int limit, CancellationToken ct)
    {
        await using var command = Command(db,
            "SELECT m.member_id, m.added_date_time FROM group_members m WHERE m.tenant_id = $t AND m.group_id = $g AND m.member_kind = 'User' " +
            "AND (m.added_date_time, m.member_id) > ($a, $m) ORDER BY m.added_date_time, m.member_id LIMIT $n");
        command.Parameters.AddWithValue("$g", Text(groupId));
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

    public override async Task<List<(Guid Id, DateTimeOffset Added)>> MembersByKeyAsync(
        SkuldDb db, Guid groupId, Guid? afterId, int limit, CancellationToken ct)
    {
        await using var command = Command(db,
            "SELECT m.member_id, m.added_date_time FROM group_members m WHERE m.tenant_id = $t AND m.group_id = $g AND m.member_id > $m " +
            "AND m.member_kind = 'User' ORDER BY m.member_id LIMIT $n");
        command.Parameters.AddWithValue("$g", Text(groupId));
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

    public override async Task<Dictionary<Guid, Skuld.Licensing.Engine.GroupLicense>> LicensedGroupsAsync(SkuldDb db, CancellationToken ct)
    {
        await using var command = Command(db, "SELECT group_id, sku_id, disabled_plans FROM group_licenses WHERE tenant_id = $t ORDER BY group_id, sku_id");
        var licenses = new List<(Guid Group, LicenseRequest License)>();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (reader.Read())
            {
                licenses.Add((reader.GetGuid(0), new LicenseRequest(reader.GetGuid(1), GuidList(reader.GetString(2)))));
            }
        }
        return licenses.GroupBy(l => l.Group).ToDictionary(
            g => g.Key, g => new Skuld.Licensing.Engine.GroupLicense(g.Key, [.. g.Select(l => l.License)]));
    }

    public override async Task<WriterMark?> WriterMarkAsync(SkuldDb db, CancellationToken ct)
    {
        await using var command = Command(db, "PRAGMA data_version");
        var version = (long)(await command.ExecuteScalarAsync(ct))!;
        return new WriterMark(((SqliteConnection)db.Database.GetDbConnection()).Handle!, version);
    }

    public override Task<MembersRead> ReadMembersByKeyBesideAsync(
        SkuldDb db, Guid groupId, Guid afterId, int limit, IReadOnlyDictionary<Guid, Skuld.Licensing.Engine.GroupLicense> licensedGroups,
        CancellationToken ct)
    {
        var store = new StoreLocation(StoreProvider.Sqlite, OwnConnectionString(db.Database.GetConnectionString()));
        var tenantId = db.ScopedTenantId ?? throw new InvalidOperationException("Batches are read ahead in a tenant scope.");
        return Task.Run(async () =>
        {
            await using var reader = SkuldDb.CreateFor(store, tenantId);
            await reader.Database.OpenConnectionAsync(ct);
            // DEFERRED: a read snapshot, without waiting for the write lock the batch holds.
            await using var transaction = ((SqliteConnection)reader.Database.GetDbConnection()).BeginTransaction(deferred: true);
            await reader.Database.UseTransactionAsync(transaction, ct);
            var users = new Dictionary<Guid, BatchUser>(limit);
            var members = await LoadMembersByKeyAsync(reader, groupId, afterId, limit, users, licensedGroups, ct);
            return new MembersRead(members, users);
        }, ct);
    }

    public override async Task<List<(Guid Id, DateTimeOffset Added)>> LoadMembersByKeyAsync(
        SkuldDb db, Guid groupId, Guid? afterId, int limit, Dictionary<Guid, BatchUser> users,
        IReadOnlyDictionary<Guid, Skuld.Licensing.Engine.GroupLicense> licensedGroups, CancellationToken ct)
    {
        // One statement: the members' key range, each member's user row and license rows probed in key order.
        var members = new List<(Guid Id, DateTimeOffset Added)>(limit);
        using (var query = TenantSql.SqliteStatement(db,
            "SELECT m.member_id, m.added_date_time, u.id, u.usage_location, u.user_principal_name, u.display_name, " +
            "a.sku_id, a.source_id, a.disabled_plans, a.state, a.error FROM " +
            "(SELECT member_id, added_date_time FROM group_members WHERE tenant_id = $t AND group_id = $g AND member_id > $m " +
            "AND member_kind = 'User' ORDER BY member_id LIMIT $n) m " +
            "LEFT JOIN users u ON u.tenant_id = $t AND u.id = m.member_id " +
            "LEFT JOIN license_assignments a ON a.tenant_id = $t AND a.user_id = m.member_id"))
        {
            query.Text(query["$g"], groupId);
            query.Text(query["$m"], afterId is { } m ? Text(m) : "");
            query.Integer(query["$n"], limit);
            var seen = new HashSet<Guid>(limit);
            while (query.Read())
            {
                ct.ThrowIfCancellationRequested();
                var id = query.Guid(0);
                if (seen.Add(id))
                {
                    members.Add((id, new DateTimeOffset(query.Int64(1), TimeSpan.Zero)));
                    if (!query.IsNull(2))
                    {
                        users[id] = new BatchUser(id)
                        {
                            UsageLocation = query.IsNull(3) ? null : query.String(3),
                            UserPrincipalName = query.String(4),
                            DisplayName = query.String(5),
                        };
                    }
                }
                if (!query.IsNull(6) && users.TryGetValue(id, out var user))
                {
                    user.Rows.Add(Row(query, 6));
                }
            }
        }
        members.Sort((a, b) => a.Id.CompareTo(b.Id));
        await LoadMembershipsAsync(db, users, licensedGroups, ct);
        return members;
    }

    /// <summary>A license row from columns sku_id, source_id, disabled_plans, state, error starting at <paramref name="at"/>.</summary>
    private static AssignmentState Row(SqliteStatement query, int at)
    {
        var source = query.Guid(at + 1);
        return new AssignmentState(
            query.Guid(at),
            source == Guid.Empty ? null : source,
            GuidList(query.String(at + 2)),
            Enum.Parse<LicenseState>(query.String(at + 3)),
            Enum.Parse<LicenseError>(query.String(at + 4)));
    }

    public override async Task LoadUsersAsync(
        SkuldDb db, Dictionary<Guid, BatchUser> users,
        IReadOnlyDictionary<Guid, Skuld.Licensing.Engine.GroupLicense> licensedGroups, CancellationToken ct)
    {
        var ids = IdsJson(users.Keys);
        var found = new HashSet<Guid>(users.Count);
        using (var query = TenantSql.SqliteStatement(db,
            "SELECT id, usage_location, user_principal_name, display_name FROM users WHERE tenant_id = $t AND id IN (SELECT value FROM json_each($ids))"))
        {
            query.Text(query["$ids"], ids);
            while (query.Read())
            {
                ct.ThrowIfCancellationRequested();
                var user = users[query.Guid(0)];
                user.UsageLocation = query.IsNull(1) ? null : query.String(1);
                user.UserPrincipalName = query.String(2);
                user.DisplayName = query.String(3);
                found.Add(user.Id);
            }
        }
        foreach (var id in users.Keys.Where(id => !found.Contains(id)).ToList())
        {
            users.Remove(id);
        }

        using (var query = TenantSql.SqliteStatement(db,
            "SELECT user_id, sku_id, source_id, disabled_plans, state, error FROM license_assignments " +
            "WHERE tenant_id = $t AND user_id IN (SELECT value FROM json_each($ids))"))
        {
            query.Text(query["$ids"], ids);
            while (query.Read())
            {
                ct.ThrowIfCancellationRequested();
                if (users.TryGetValue(query.Guid(0), out var user))
                {
                    user.Rows.Add(Row(query, 1));
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
        var ids = IdsJson(users.Keys);
        await using (var command = Command(db,
            // INDEXED BY: without it SQLite prefers the covering (tenant, group, added, member) index with
            // only its group prefix usable, i.e. reads every member of every licensed group for a few users.
            "SELECT m.member_id, m.group_id, m.added_date_time FROM group_members m INDEXED BY IX_group_members_tenant_id_member_id WHERE m.tenant_id = $t " +
            "AND m.member_id IN (SELECT value FROM json_each($ids)) " +
            "AND m.group_id IN (SELECT DISTINCT l.group_id FROM group_licenses l WHERE l.tenant_id = $t)"))
        {
            command.Parameters.AddWithValue("$ids", ids);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (reader.Read())
            {
                if (users.TryGetValue(reader.GetGuid(0), out var user) && licensedGroups.TryGetValue(reader.GetGuid(1), out var group))
                {
                    user.Groups.Add(group);
                    var added = new DateTimeOffset(reader.GetInt64(2), TimeSpan.Zero);
                    if (added < user.MemberSince)
                    {
                        user.MemberSince = added;
                    }
                }
            }
        }
    }

    public override Task WriteRowsAsync(SkuldDb db, List<RowWrite> writes, DateTimeOffset now, CancellationToken ct)
    {
        if (writes.Count == 0)
        {
            return Task.CompletedTask;
        }
        using var upsert = TenantSql.SqliteStatement(db,
            "INSERT INTO license_assignments (tenant_id, user_id, sku_id, source_id, disabled_plans, state, error, assigned_date_time, last_updated_date_time) " +
            "VALUES ($t, $u, $s, $src, $dp, $st, $er, $now, $now) ON CONFLICT (tenant_id, user_id, sku_id, source_id) DO UPDATE SET " +
            "disabled_plans = excluded.disabled_plans, state = excluded.state, error = excluded.error, last_updated_date_time = excluded.last_updated_date_time");
        var (uu, us, usrc, udp, ust, uer) = (upsert["$u"], upsert["$s"], upsert["$src"], upsert["$dp"], upsert["$st"], upsert["$er"]);
        using var delete = TenantSql.SqliteStatement(db,
            "DELETE FROM license_assignments WHERE tenant_id = $t AND user_id = $u AND sku_id = $s AND source_id = $src");
        var (du, ds, dsrc) = (delete["$u"], delete["$s"], delete["$src"]);
        upsert.Integer(upsert["$now"], now.UtcTicks);
        foreach (var write in writes)
        {
            ct.ThrowIfCancellationRequested();
            if (write.Delete)
            {
                delete.Text(du, write.UserId);
                delete.Text(ds, write.State.SkuId);
                delete.Text(dsrc, write.SourceId);
                delete.Run();
            }
            else
            {
                upsert.Text(uu, write.UserId);
                upsert.Text(us, write.State.SkuId);
                upsert.Text(usrc, write.SourceId);
                upsert.Text(udp, GuidListJson(write.State.DisabledPlans));
                upsert.Text(ust, write.State.State.ToString());
                upsert.Text(uer, write.State.Error.ToString());
                upsert.Run();
            }
        }
        return Task.CompletedTask;
    }

    public override Task WriteAuditAsync(SkuldDb db, List<AuditEvent> events, CancellationToken ct)
    {
        if (events.Count == 0)
        {
            return Task.CompletedTask;
        }
        TenantSql.RequireScope(db, events.Select(e => e.TenantId));
        using var insert = TenantSql.SqliteStatement(db,
            "INSERT INTO audit_events (tenant_id, id, activity_date_time, activity_display_name, category, result, result_reason, operation_type, " +
            "correlation_id, logged_by_service, initiated_by_user_id, initiated_by_app_id, initiated_by, target_resources, additional_details, target_id, " +
            "sequence, previous_hash, hash) " +
            "VALUES ($t, $id, $at, $name, $cat, $res, $reason, $op, $corr, $svc, $iu, $ia, $ib, $tr, $ad, $tid, $seq, $prev, $hash)");
        var (id, at, name, category, result, reason, operation, correlation, service) = (insert["$id"], insert["$at"], insert["$name"],
            insert["$cat"], insert["$res"], insert["$reason"], insert["$op"], insert["$corr"], insert["$svc"]);
        var (initiatorUser, initiatorApp, initiator, targets, details, target, sequence, previous, hash) = (insert["$iu"], insert["$ia"],
            insert["$ib"], insert["$tr"], insert["$ad"], insert["$tid"], insert["$seq"], insert["$prev"], insert["$hash"]);
        foreach (var e in events)
        {
            ct.ThrowIfCancellationRequested();
            insert.Text(id, e.Id);
            insert.Integer(at, e.ActivityDateTime.UtcTicks);
            insert.Text(name, e.ActivityDisplayName);
            insert.Text(category, e.Category);
            insert.Text(result, e.Result);
            insert.Text(reason, e.ResultReason);
            insert.Text(operation, e.OperationType);
            insert.Text(correlation, e.CorrelationId);
            insert.Text(service, e.LoggedByService);
            insert.Text(initiatorUser, e.InitiatedByUserId);
            insert.Text(initiatorApp, e.InitiatedByAppId);
            insert.Text(initiator, e.InitiatedBy);
            insert.Text(targets, e.TargetResources);
            insert.Text(details, e.AdditionalDetails);
            insert.Text(target, e.TargetId);
            insert.Integer(sequence, e.Sequence);
            insert.Text(previous, e.PreviousHash);
            insert.Text(hash, e.Hash);
            insert.Run();
        }
        return Task.CompletedTask;
    }

    // EF Core stores GUIDs as upper-case text on SQLite; Microsoft.Data.Sqlite would bind a Guid as a blob.
    private static string Text(Guid id) => string.Create(36, id, static (chars, id) =>
    {
        id.TryFormat(chars, out _, "D");
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = char.ToUpperInvariant(chars[i]);
        }
    });

    private static string IdsJson(IEnumerable<Guid> ids)
    {
        var text = new StringBuilder("[");
        foreach (var id in ids)
        {
            text.Append(text.Length == 1 ? "\"" : ",\"").Append(Text(id)).Append('"');
        }
        return text.Append(']').ToString();
    }

    private static ImmutableArray<Guid> GuidList(string json) =>
        json is "[]" or "" ? [] : [.. JsonSerializer.Deserialize<Guid[]>(json) ?? []];

    private static string GuidListJson(ImmutableArray<Guid> ids) =>
        ids.IsDefaultOrEmpty ? "[]" : JsonSerializer.Serialize(ids);

    // $t is the scope's tenant (TenantSql).
    private static SqliteCommand Command(SkuldDb db, string sql) => (SqliteCommand)TenantSql.Command(db, sql);
}
