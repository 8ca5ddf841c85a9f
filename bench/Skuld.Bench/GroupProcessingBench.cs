using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;
using SQLitePCL;
using Skuld.Licensing.Engine;
using Skuld.Store;
using Skuld.Store.Audit;
using Skuld.Store.Directory;
using Skuld.Store.Licensing;
using Skuld.Store.Processing;

using static Skuld.Bench.SqliteSeeding;

namespace Skuld.Bench;

/// <summary>What one benchmark run measured.</summary>
public sealed record BenchResult(
    string Store, int Members, TimeSpan Seed, TimeSpan InsertFloor, TimeSpan Processing, long PeakWorkingSetBytes, long PeakManagedBytes,
    int Batches, int Adds, TimeSpan AddP50, TimeSpan AddP99, int LeftToSeal, TimeSpan Seal, TimeSpan? CommandFloor = null)
{
    public double RatioToFloor => Processing / InsertFloor;

    public override string ToString() =>
        $"{Store} {Members:N0} members: processing {Processing.TotalSeconds:F2} s, raw insert floor {InsertFloor.TotalSeconds:F2} s " +
        $"(x{RatioToFloor:F2})" +
        (CommandFloor is { } command ? $" [through SqliteCommand {command.TotalSeconds:F2} s, x{Processing / command:F2}]" : "") +
        $", {Batches} batches, peak working set {PeakWorkingSetBytes / (1024 * 1024)} MB " +
        $"(managed heap after run {PeakManagedBytes / (1024 * 1024)} MB), seeding {Seed.TotalSeconds:F1} s; " +
        $"audit events left for the sealer {LeftToSeal:N0} (sealed in {Seal.TotalSeconds:F2} s)" +
        (Adds > 0 ? $"; add-one-member latency over {Adds} adds: p50 {AddP50.TotalMilliseconds:F1} ms, p99 {AddP99.TotalMilliseconds:F1} ms" : "");
}

/// <summary>
/// The group-processing benchmark: a tenant with one product and a licensed group of <c>members</c>
/// users. Measures (c) the raw bulk-insert floor (the same number of license rows written the fastest
/// plain way with the raw driver, then removed), (a) the real processing of the group until
/// ProcessingComplete, in this process, and (b) the latency of adding one member to the licensed group
/// (user + membership + <see cref="LicenseWork.EnqueueUsers"/> committed, then the worker's processing
/// path <see cref="LicenseProcessing.RunUntilIdleAsync"/>) until that user's row is Active. After (a) it also
/// measures what the job left for the audit sealer: the events not yet in the tenant's hash chain, and the time
/// <see cref="AuditChain.SealAsync(SkuldDb, Guid, CancellationToken)"/> (what the server's sealer runs) takes to seal them.
/// </summary>
public static class GroupProcessingBench
{
    private static readonly Guid SkuId = new("5a7e0000-0000-4000-8000-000000000001");
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    public static Task<BenchResult> RunSqliteAsync(string path, int members, int batchSize, CancellationToken ct) =>
        RunAsync(StoreLocation.Sqlite(path), members, batchSize, adds: 0, ct);

    public static async Task<BenchResult> RunAsync(StoreLocation location, int members, int batchSize, int adds, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var (tenantId, groupId) = await SeedAsync(location, members, adds, ct);
        var seed = clock.Elapsed;

        var floor = location.Provider == StoreProvider.Sqlite
            ? await SqliteInsertFloorAsync(location, tenantId, groupId, ct)
            : await PostgresInsertFloorAsync(location, tenantId, groupId, ct);
        // The floor as measured before 2026-12-03 (third session), for comparison with the numbers of that time.
        TimeSpan? commandFloor = location.Provider == StoreProvider.Sqlite ? await SqliteCommandInsertFloorAsync(location, tenantId, groupId, ct) : null;

        GC.Collect();
        using var self = Process.GetCurrentProcess();
        clock.Restart();
        var batches = await LicenseProcessing.RunUntilIdleAsync(() => SkuldDb.CreateFor(location), "bench", batchSize, TimeProvider.System, ct);
        var processing = clock.Elapsed;
        self.Refresh();
        var peakWorkingSet = self.PeakWorkingSet64;
        var managed = GC.GetGCMemoryInfo().HeapSizeBytes;

        await using (var db = SkuldDb.CreateFor(location, tenantId))
        {
            var active = await db.LicenseAssignments.CountAsync(a => a.TenantId == tenantId && a.State == LicenseState.Active, ct);
            var state = await db.Groups.Where(g => g.TenantId == tenantId && g.Id == groupId).Select(g => g.LicenseProcessingState).SingleAsync(ct);
            if (active != members || state != LicenseProcessingState.ProcessingComplete)
            {
                throw new InvalidOperationException($"Expected {members} active rows and ProcessingComplete, found {active} and {state}.");
            }
        }

        var sealClock = Stopwatch.StartNew();
        int leftToSeal;
        await using (var db = SkuldDb.CreateFor(location, tenantId))
        {
            leftToSeal = await AuditChain.SealAsync(db, tenantId, ct);
        }
        var seal = sealClock.Elapsed;

        var latencies = await AddLatenciesAsync(location, tenantId, groupId, members, adds, batchSize, ct);
        latencies.Sort();
        return new BenchResult(location.Provider.ToString(), members, seed, floor, processing, peakWorkingSet, managed, batches, adds,
            Percentile(latencies, 0.50), Percentile(latencies, 0.99), leftToSeal, seal, commandFloor);
    }

    private static TimeSpan Percentile(List<TimeSpan> sorted, double p) =>
        sorted.Count == 0 ? TimeSpan.Zero : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    /// <summary>(b): what a membership add costs end to end, one add at a time, without the worker's idle poll.</summary>
    private static async Task<List<TimeSpan>> AddLatenciesAsync(
        StoreLocation location, Guid tenantId, Guid groupId, int members, int adds, int batchSize, CancellationToken ct)
    {
        var latencies = new List<TimeSpan>(adds);
        for (var i = 0; i < adds; i++)
        {
            var userId = Guid.NewGuid();
            var clock = Stopwatch.StartNew();
            await using (var db = SkuldDb.CreateFor(location, tenantId))
            {
                var upn = $"added{i}@bench.example";
                db.Users.Add(new User
                {
                    TenantId = tenantId, Id = userId, UserPrincipalName = upn,
                    DisplayName = $"Added {i}", UsageLocation = "US", CreatedDateTime = Start,
                });
                db.GroupMembers.Add(new GroupMember { TenantId = tenantId, GroupId = groupId, MemberId = userId, MemberKind = MemberKind.User, AddedDateTime = DateTimeOffset.UtcNow });
                LicenseWork.EnqueueUsers(db, tenantId, [userId], Actor.Operator, Guid.NewGuid(), DateTimeOffset.UtcNow);
                await db.SaveChangesAsync(ct);
            }
            await LicenseProcessing.RunUntilIdleAsync(() => SkuldDb.CreateFor(location), "bench", batchSize, TimeProvider.System, ct);
            latencies.Add(clock.Elapsed);
            await using (var db = SkuldDb.CreateFor(location, tenantId))
            {
                if (!await db.LicenseAssignments.AnyAsync(a => a.TenantId == tenantId && a.UserId == userId && a.State == LicenseState.Active, ct))
                {
                    throw new InvalidOperationException($"Added member {userId} did not get an Active license (members {members}).");
                }
            }
        }
        return latencies;
    }

    private static async Task<(Guid TenantId, Guid GroupId)> SeedAsync(StoreLocation location, int members, int adds, CancellationToken ct)
    {
        var tenantId = Guid.NewGuid();
        var groupId = Guid.NewGuid();
        await using (var db = SkuldDb.CreateFor(location, tenantId))
        {
            await db.MigrateSkuldAsync(ct);
            db.Tenants.Add(new Tenant { Id = tenantId, DisplayName = "Bench", Domain = "bench.example", InitialDomain = "bench.onmicrosoft.com", CountryLetterCode = "US", CreatedDateTime = Start });
            db.TenantProducts.Add(new TenantProduct
            {
                TenantId = tenantId, SkuId = SkuId, PartNumber = "SKULD_BENCH", DisplayName = "Bench product",
                Plans = [new TenantServicePlan { Id = Guid.NewGuid(), Name = "BENCH_CORE", FriendlyName = "Bench core" }],
            });
            await SubscriptionUnits.AddAsync(db, tenantId, SkuId, members + adds, TimeProvider.System, ct);
            db.Groups.Add(new Group { TenantId = tenantId, Id = groupId, DisplayName = "Everyone", MailNickname = "everyone", SecurityEnabled = true, CreatedDateTime = Start });
            db.GroupLicenses.Add(new Store.Licensing.GroupLicense { TenantId = tenantId, GroupId = groupId, SkuId = SkuId, AssignedDateTime = Start });
            LicenseWork.EnqueueGroup(db, tenantId, groupId, Actor.Operator, Guid.NewGuid(), Start);
            await db.SaveChangesAsync(ct);
        }
        if (location.Provider == StoreProvider.Sqlite)
        {
            await SeedSqliteAsync(location, tenantId, groupId, members, ct);
        }
        else
        {
            await SeedPostgresAsync(location, tenantId, groupId, members, ct);
        }
        return (tenantId, groupId);
    }

    private static async Task SeedSqliteAsync(StoreLocation location, Guid tenantId, Guid groupId, int members, CancellationToken ct)
    {
        await using var connection = new SqliteConnection(location.ConnectionString);
        await connection.OpenAsync(ct);
        await using var transaction = connection.BeginTransaction();
        var users = Prepare(connection, transaction,
            "INSERT INTO users (tenant_id, id, user_principal_name, user_principal_name_key, display_name, account_enabled, user_type, other_mails, proxy_addresses, created_date_time, version, usage_location) " +
            "VALUES ($t, $id, $upn, $key, $name, 1, 'Member', '[]', '[]', $at, 0, 'US')", "$t", "$id", "$upn", "$key", "$name", "$at");
        var memberships = Prepare(connection, transaction,
            "INSERT INTO group_members (tenant_id, group_id, member_id, member_kind, added_date_time) VALUES ($t, $g, $m, 'User', $at)",
            "$t", "$g", "$m", "$at");
        var tenant = Text(tenantId);
        var group = Text(groupId);
        // Ids in key order for a fast seed; membership times in random order against them, as in life.
        var ids = Enumerable.Range(0, members).Select(_ => Guid.NewGuid()).Order().ToArray();
        var random = new Random(7);
        for (var i = 0; i < ids.Length; i++)
        {
            var upn = $"user{i}@bench.example";
            Run(users, tenant, Text(ids[i]), upn, upn.ToUpperInvariant(), $"User {i}", Start.UtcTicks);
            Run(memberships, tenant, group, Text(ids[i]), Start.AddSeconds(random.Next(members * 10)).UtcTicks);
        }
        await transaction.CommitAsync(ct);
    }

    private static async Task SeedPostgresAsync(StoreLocation location, Guid tenantId, Guid groupId, int members, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(location.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandTimeout = 0;
        // Server-side generation; membership times in random order against the ids, as in life.
        command.CommandText =
            "SELECT setseed(0.7); " +
            "CREATE TEMP TABLE bench_ids AS SELECT i, gen_random_uuid() AS id FROM generate_series(1, @n) i; " +
            "INSERT INTO users (tenant_id, id, user_principal_name, user_principal_name_key, display_name, account_enabled, user_type, other_mails, proxy_addresses, created_date_time, version, usage_location) " +
            "SELECT @t, id, 'user' || i || '@bench.example', 'USER' || i || '@BENCH.EXAMPLE', 'User ' || i, true, 'Member', '{}', '{}', @at, 0, 'US' FROM bench_ids ORDER BY id; " +
            "INSERT INTO group_members (tenant_id, group_id, member_id, member_kind, added_date_time) " +
            "SELECT @t, @g, id, 'User', @at + make_interval(secs => floor(random() * @n * 10)) FROM bench_ids ORDER BY id; " +
            "DROP TABLE bench_ids; ANALYZE;";
        command.Parameters.AddWithValue("n", members);
        command.Parameters.AddWithValue("t", tenantId);
        command.Parameters.AddWithValue("g", groupId);
        command.Parameters.AddWithValue("at", Start.ToUniversalTime());
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// The floor on SQLite: the same rows, key order, one transaction, written the fastest plain way the driver allows:
    /// one statement prepared through SQLitePCLRaw (the layer Microsoft.Data.Sqlite runs on), the constant columns bound
    /// once, each row's user id bound by position, stepped and reset. Processing writes through the same layer
    /// (SqliteStatement), so the floor is no slower per row than processing's own writes.
    /// </summary>
    private static async Task<TimeSpan> SqliteInsertFloorAsync(StoreLocation location, Guid tenantId, Guid groupId, CancellationToken ct)
    {
        await using var connection = new SqliteConnection(location.ConnectionString);
        await connection.OpenAsync(ct);
        var ids = (await UserIdsAsync(connection, tenantId, ct)).Select(System.Text.Encoding.UTF8.GetBytes).ToList();
        var clock = Stopwatch.StartNew();
        await using (var transaction = connection.BeginTransaction())
        {
            var handle = connection.Handle!;
            Check(raw.sqlite3_prepare_v2(handle,
                "INSERT INTO license_assignments (tenant_id, user_id, sku_id, source_id, disabled_plans, state, error, assigned_date_time, last_updated_date_time) " +
                "VALUES (?1, ?2, ?3, ?4, '[]', 'Active', 'None', ?5, ?5)", out var insert), handle);
            using (insert)
            {
                Check(raw.sqlite3_bind_text(insert, 1, Text(tenantId)), handle);
                Check(raw.sqlite3_bind_text(insert, 3, Text(SkuId)), handle);
                Check(raw.sqlite3_bind_text(insert, 4, Text(groupId)), handle);
                Check(raw.sqlite3_bind_int64(insert, 5, Start.UtcTicks), handle);
                foreach (var id in ids)
                {
                    Check(raw.sqlite3_bind_text(insert, 2, id), handle);
                    if (raw.sqlite3_step(insert) != raw.SQLITE_DONE)
                    {
                        throw new InvalidOperationException($"Floor insert failed: {raw.sqlite3_errmsg(handle).utf8_to_string()}");
                    }
                    raw.sqlite3_reset(insert);
                }
            }
            await transaction.CommitAsync(ct);
        }
        var floor = clock.Elapsed;
        await EmptyLicenseRowsAsync(connection, ct);
        return floor;
    }

    /// <summary>The SQLite floor as first measured: the same rows through one prepared SqliteCommand (every parameter set per row).</summary>
    private static async Task<TimeSpan> SqliteCommandInsertFloorAsync(StoreLocation location, Guid tenantId, Guid groupId, CancellationToken ct)
    {
        await using var connection = new SqliteConnection(location.ConnectionString);
        await connection.OpenAsync(ct);
        var ids = await UserIdsAsync(connection, tenantId, ct);
        var clock = Stopwatch.StartNew();
        await using (var transaction = connection.BeginTransaction())
        {
            var insert = Prepare(connection, transaction,
                "INSERT INTO license_assignments (tenant_id, user_id, sku_id, source_id, disabled_plans, state, error, assigned_date_time, last_updated_date_time) " +
                "VALUES ($t, $u, $s, $src, '[]', 'Active', 'None', $at, $at)", "$t", "$u", "$s", "$src", "$at");
            var (tenant, sku, source) = (Text(tenantId), Text(SkuId), Text(groupId));
            foreach (var id in ids)
            {
                Run(insert, tenant, id, sku, source, Start.UtcTicks);
            }
            await transaction.CommitAsync(ct);
        }
        var floor = clock.Elapsed;
        await EmptyLicenseRowsAsync(connection, ct);
        return floor;
    }

    private static async Task<List<string>> UserIdsAsync(SqliteConnection connection, Guid tenantId, CancellationToken ct)
    {
        var ids = new List<string>();
        await using var read = connection.CreateCommand();
        read.CommandText = "SELECT id FROM users WHERE tenant_id = $t ORDER BY id";
        read.Parameters.AddWithValue("$t", Text(tenantId));
        await using var reader = await read.ExecuteReaderAsync(ct);
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }
        return ids;
    }

    private static async Task EmptyLicenseRowsAsync(SqliteConnection connection, CancellationToken ct)
    {
        await using var delete = connection.CreateCommand();
        delete.CommandText = "DELETE FROM license_assignments; PRAGMA wal_checkpoint(TRUNCATE);";
        await delete.ExecuteNonQueryAsync(ct);
    }

    private static void Check(int result, sqlite3 connection)
    {
        if (result != raw.SQLITE_OK)
        {
            throw new InvalidOperationException($"SQLite error {result}: {raw.sqlite3_errmsg(connection).utf8_to_string()}");
        }
    }

    /// <summary>The floor on PostgreSQL: one binary COPY in one transaction, key order.</summary>
    private static async Task<TimeSpan> PostgresInsertFloorAsync(StoreLocation location, Guid tenantId, Guid groupId, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(location.ConnectionString);
        await connection.OpenAsync(ct);
        var ids = new List<Guid>();
        await using (var read = connection.CreateCommand())
        {
            read.CommandText = "SELECT id FROM users WHERE tenant_id = @t ORDER BY id";
            read.Parameters.AddWithValue("t", tenantId);
            await using var reader = await read.ExecuteReaderAsync(ct);
            while (reader.Read())
            {
                ids.Add(reader.GetGuid(0));
            }
        }
        var at = Start.ToUniversalTime();
        var clock = Stopwatch.StartNew();
        await using (var transaction = await connection.BeginTransactionAsync(ct))
        {
            await using (var copy = await connection.BeginBinaryImportAsync(
                "COPY license_assignments (tenant_id, user_id, sku_id, source_id, disabled_plans, state, error, assigned_date_time, last_updated_date_time) FROM STDIN (FORMAT BINARY)", ct))
            {
                foreach (var id in ids)
                {
                    await copy.StartRowAsync(ct);
                    await copy.WriteAsync(tenantId, NpgsqlDbType.Uuid, ct);
                    await copy.WriteAsync(id, NpgsqlDbType.Uuid, ct);
                    await copy.WriteAsync(SkuId, NpgsqlDbType.Uuid, ct);
                    await copy.WriteAsync(groupId, NpgsqlDbType.Uuid, ct);
                    await copy.WriteAsync(Array.Empty<Guid>(), NpgsqlDbType.Array | NpgsqlDbType.Uuid, ct);
                    await copy.WriteAsync("Active", NpgsqlDbType.Text, ct);
                    await copy.WriteAsync("None", NpgsqlDbType.Text, ct);
                    await copy.WriteAsync(at, NpgsqlDbType.TimestampTz, ct);
                    await copy.WriteAsync(at, NpgsqlDbType.TimestampTz, ct);
                }
                await copy.CompleteAsync(ct);
            }
            await transaction.CommitAsync(ct);
        }
        var floor = clock.Elapsed;
        await using (var delete = connection.CreateCommand())
        {
            delete.CommandText = "TRUNCATE license_assignments; ANALYZE license_assignments;";
            delete.CommandTimeout = 0;
            await delete.ExecuteNonQueryAsync(ct);
        }
        return floor;
    }

}
