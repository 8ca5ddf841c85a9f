using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Skuld.Licensing.Engine;
using Skuld.Store;
using Skuld.Store.Audit;
using Skuld.Store.Directory;
using Skuld.Store.Licensing;
using Skuld.Store.Processing;

namespace Skuld.Processing.Tests;

/// <summary>What one benchmark run measured.</summary>
public sealed record BenchResult(int Members, TimeSpan Seed, TimeSpan InsertFloor, TimeSpan Processing, long PeakWorkingSetBytes, int Batches)
{
    public double RatioToFloor => Processing / InsertFloor;

    public override string ToString() =>
        $"{Members:N0} members: processing {Processing.TotalSeconds:F2} s, raw insert floor {InsertFloor.TotalSeconds:F2} s " +
        $"(x{RatioToFloor:F2}), {Batches} batches, peak working set {PeakWorkingSetBytes / (1024 * 1024)} MB, seeding {Seed.TotalSeconds:F1} s";
}

/// <summary>
/// The group-processing benchmark on SQLite: a tenant with one product and a licensed group of
/// <c>members</c> users; measures the raw bulk-insert floor (the same number of license rows, one
/// prepared INSERT in one transaction, key order) and then the real processing of the group, in
/// this process. Entry point for bench/: <see cref="RunSqliteAsync"/>.
/// </summary>
public static class GroupProcessingBench
{
    private static readonly Guid SkuId = new("5a7e0000-0000-4000-8000-000000000001");
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    public static async Task<BenchResult> RunSqliteAsync(string path, int members, int batchSize, CancellationToken ct)
    {
        var location = StoreLocation.Sqlite(path);
        var clock = Stopwatch.StartNew();
        var (tenantId, groupId) = await SeedAsync(location, members, ct);
        var seed = clock.Elapsed;

        var floor = await InsertFloorAsync(location, tenantId, groupId, ct);

        clock.Restart();
        var batches = await LicenseProcessing.RunUntilIdleAsync(() => SkuldDb.CreateFor(location), "bench", batchSize, TimeProvider.System, ct);
        var processing = clock.Elapsed;
        using var self = Process.GetCurrentProcess();
        self.Refresh();

        await using var db = SkuldDb.CreateFor(location);
        var active = await db.LicenseAssignments.CountAsync(a => a.TenantId == tenantId && a.State == LicenseState.Active, ct);
        if (active != members)
        {
            throw new InvalidOperationException($"Expected {members} active rows, found {active}.");
        }
        return new BenchResult(members, seed, floor, processing, self.PeakWorkingSet64, batches);
    }

    private static async Task<(Guid TenantId, Guid GroupId)> SeedAsync(StoreLocation location, int members, CancellationToken ct)
    {
        var tenantId = Guid.NewGuid();
        var groupId = Guid.NewGuid();
        await using (var db = SkuldDb.CreateFor(location))
        {
            await db.MigrateSkuldAsync(ct);
            db.Tenants.Add(new Tenant { Id = tenantId, DisplayName = "Bench", Domain = "bench.example", InitialDomain = "bench.onmicrosoft.com", CountryLetterCode = "US", CreatedDateTime = Start });
            db.TenantProducts.Add(new TenantProduct
            {
                TenantId = tenantId, SkuId = SkuId, PartNumber = "SKULD_BENCH", DisplayName = "Bench product",
                Plans = [new TenantServicePlan { Id = Guid.NewGuid(), Name = "BENCH_CORE", FriendlyName = "Bench core" }],
            });
            await SubscriptionUnits.AddAsync(db, tenantId, SkuId, members, TimeProvider.System, ct);
            db.Groups.Add(new Group { TenantId = tenantId, Id = groupId, DisplayName = "Everyone", MailNickname = "everyone", SecurityEnabled = true, CreatedDateTime = Start });
            db.GroupLicenses.Add(new Store.Licensing.GroupLicense { TenantId = tenantId, GroupId = groupId, SkuId = SkuId, AssignedDateTime = Start });
            LicenseWork.EnqueueGroup(db, tenantId, groupId, Actor.Operator, Guid.NewGuid(), Start);
            await db.SaveChangesAsync(ct);
        }

        await using var connection = new SqliteConnection(location.ConnectionString);
        await connection.OpenAsync(ct);
        await using var transaction = connection.BeginTransaction();
        var users = Insert(connection, transaction,
            "INSERT INTO users (tenant_id, id, user_principal_name, user_principal_name_key, display_name, account_enabled, user_type, other_mails, proxy_addresses, created_date_time, version, usage_location) " +
            "VALUES ($t, $id, $upn, $key, $name, 1, 'Member', '[]', '[]', $at, 0, 'US')", "$t", "$id", "$upn", "$key", "$name", "$at");
        var memberships = Insert(connection, transaction,
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
            SetAndRun(users, tenant, Text(ids[i]), upn, upn.ToUpperInvariant(), $"User {i}", Start.UtcTicks);
            SetAndRun(memberships, tenant, group, Text(ids[i]), Start.AddSeconds(random.Next(members * 10)).UtcTicks);
        }
        await transaction.CommitAsync(ct);
        return (tenantId, groupId);
    }

    /// <summary>The floor: the same number of license rows written the fastest plain way, then removed again.</summary>
    private static async Task<TimeSpan> InsertFloorAsync(StoreLocation location, Guid tenantId, Guid groupId, CancellationToken ct)
    {
        await using var connection = new SqliteConnection(location.ConnectionString);
        await connection.OpenAsync(ct);
        var ids = new List<string>();
        await using (var read = connection.CreateCommand())
        {
            read.CommandText = "SELECT id FROM users WHERE tenant_id = $t ORDER BY id";
            read.Parameters.AddWithValue("$t", Text(tenantId));
            await using var reader = await read.ExecuteReaderAsync(ct);
            while (reader.Read())
            {
                ids.Add(reader.GetString(0));
            }
        }
        var clock = Stopwatch.StartNew();
        await using (var transaction = connection.BeginTransaction())
        {
            var insert = Insert(connection, transaction,
                "INSERT INTO license_assignments (tenant_id, user_id, sku_id, source_id, disabled_plans, state, error, assigned_date_time, last_updated_date_time) " +
                "VALUES ($t, $u, $s, $src, '[]', 'Active', 'None', $at, $at)", "$t", "$u", "$s", "$src", "$at");
            var (tenant, sku, source) = (Text(tenantId), Text(SkuId), Text(groupId));
            foreach (var id in ids)
            {
                SetAndRun(insert, tenant, id, sku, source, Start.UtcTicks);
            }
            await transaction.CommitAsync(ct);
        }
        var floor = clock.Elapsed;
        await using (var delete = connection.CreateCommand())
        {
            delete.CommandText = "DELETE FROM license_assignments; PRAGMA wal_checkpoint(TRUNCATE);";
            await delete.ExecuteNonQueryAsync(ct);
        }
        return floor;
    }

    private static SqliteCommand Insert(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] names)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in names)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }
        return command;
    }

    private static void SetAndRun(SqliteCommand command, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }
        command.ExecuteNonQuery();
    }

    private static string Text(Guid id) => id.ToString("D").ToUpperInvariant();
}
