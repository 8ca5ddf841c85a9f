using System.Data.Common;
using System.Diagnostics;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;
using Skuld.Store;
using Skuld.Store.Directory;
using Skuld.Store.Providers;
using Skuld.Store.Recipients;

using static Skuld.Bench.SqliteSeeding;

namespace Skuld.Bench;

/// <summary>
/// Recipient search at scale: a tenant of N recipients (70 % users, 30 % contacts) with 2–3 addresses each over five
/// domains, seeded with the raw driver; then latencies of <see cref="RecipientSearch.FindAsync(SkuldDb, Guid, RecipientPattern, int, string?, CancellationToken)"/>
/// — the query behind <c>GET /api/recipients</c> and <c>skuld recipient find</c>, a new context per query as per
/// request — for exact addresses, prefixes and domains (first page), and the query plans of each mode.
/// </summary>
public static class RecipientSearchBench
{
    private static readonly string[] Domains = ["contoso.com", "fabrikam.com", "northwind.example", "adatum.example", "tailspin.example"];
    private static readonly DateTimeOffset Start = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    public static async Task<string> RunAsync(StoreLocation location, int recipients, int lookups, int pageSize, CancellationToken ct)
    {
        var report = new StringBuilder();
        var clock = Stopwatch.StartNew();
        var tenantId = await SeedAsync(location, recipients, ct);
        report.AppendLine($"{location.Provider} {recipients:N0} recipients ({await CountAsync(location, tenantId, ct):N0} addresses): seeded in {clock.Elapsed.TotalSeconds:F1} s");

        var random = new Random(11);
        string AnAddress()
        {
            var i = random.Next(recipients);
            return random.Next(3) switch
            {
                0 => $"SMTP:First{i}.Last@{Domains[i % 5]}",
                1 => $"r{i}@{Domains[(i + 1) % 5]}",
                _ => i % 2 == 0 ? $"alias{i}@{Domains[(i + 2) % 5]}" : $"first{i}.last@{Domains[i % 5]}",
            };
        }

        // Warm the pool, EF's query cache and the database's cache of the upper index levels.
        await MeasureAsync(location, tenantId, 100, _ => AnAddress(), pageSize, expectAtLeast: 1, ct);
        var exact = await MeasureAsync(location, tenantId, lookups, _ => AnAddress(), pageSize, expectAtLeast: 1, ct);
        var prefix = await MeasureAsync(location, tenantId, lookups / 5, _ => $"first{random.Next(1, 10)}{random.Next(100)}*", pageSize, expectAtLeast: 1, ct);
        var domain = await MeasureAsync(location, tenantId, lookups / 5, _ => "@" + Domains[random.Next(5)], pageSize, expectAtLeast: pageSize, ct);
        var wildcard = await MeasureAsync(location, tenantId, lookups / 10, _ => $"first{random.Next(1, 10)}?*.last@*.example", pageSize, expectAtLeast: 1, ct);

        report.AppendLine(Line("exact address", exact, lookups, 10));
        report.AppendLine(Line($"prefix, first page of {pageSize}", prefix, lookups / 5, null));
        report.AppendLine(Line($"domain, first page of {pageSize}", domain, lookups / 5, 100));
        report.AppendLine(Line($"wildcard, first page of {pageSize}", wildcard, lookups / 10, null));
        foreach (var (name, pattern) in new[] { ("exact", "r5@fabrikam.com"), ("prefix", "first12*"), ("domain", "@contoso.com"), ("wildcard", "first1?*.last@*.example") })
        {
            report.AppendLine($"  plan {name}: {await PlanAsync(location, tenantId, pattern, pageSize, ct)}");
        }

        return report.ToString();
    }

    private static string Line(string what, List<TimeSpan> measured, int count, int? targetMs) =>
        Line(what, measured[0], measured.Skip(1).ToList(), count, targetMs);

    private static string Line(string what, TimeSpan cpu, List<TimeSpan> sorted, int count, int? targetMs) =>
        $"  {what,-32} cpu/query {cpu.TotalMilliseconds,6:F2} ms  p50 {Percentile(sorted, 0.5).TotalMilliseconds,7:F2} ms  p99 {Percentile(sorted, 0.99).TotalMilliseconds,7:F2} ms  ({count} queries)" +
        (targetMs is { } t ? $"  target <= {t} ms: {(Percentile(sorted, 0.99).TotalMilliseconds <= t ? "met at p99" : Percentile(sorted, 0.5).TotalMilliseconds <= t ? "met at p50 only" : "MISSED")}" : "");

    private static TimeSpan Percentile(List<TimeSpan> sorted, double p) =>
        sorted.Count == 0 ? TimeSpan.Zero : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static async Task<List<TimeSpan>> MeasureAsync(
        StoreLocation location, Guid tenantId, int count, Func<int, string> next, int pageSize, int expectAtLeast, CancellationToken ct)
    {
        var times = new List<TimeSpan>(count);
        using var self = Process.GetCurrentProcess();
        var cpuBefore = self.TotalProcessorTime;
        for (var i = 0; i < count; i++)
        {
            var text = next(i);
            var pattern = RecipientPattern.TryParse(text, out var error) ?? throw new InvalidOperationException(error);
            var clock = Stopwatch.StartNew();
            await using (var db = SkuldDb.CreateFor(location, tenantId))
            {
                var page = await RecipientSearch.FindAsync(db, tenantId, pattern, pageSize, null, ct);
                times.Add(clock.Elapsed);
                if (page.Items.Count < expectAtLeast || page.Items.Any(m => m.Addresses.Count < 2 || m.DisplayName.Length == 0))
                {
                    throw new InvalidOperationException($"'{text}' found {page.Items.Count} recipients, expected at least {expectAtLeast} with names and addresses.");
                }
            }
        }

        times.Sort();
        self.Refresh();
        // The bench's own CPU per query (all of it on SQLite, the client side on PostgreSQL): unlike wall time, it
        // does not grow when other processes share the cores.
        times.Insert(0, (self.TotalProcessorTime - cpuBefore) / Math.Max(1, count));
        return times;
    }

    /// <summary>The database's plan for the SQL the search sends (captured from EF, with its parameters).</summary>
    private static async Task<string> PlanAsync(StoreLocation location, Guid tenantId, string text, int pageSize, CancellationToken ct)
    {
        var capture = new FirstCommand();
        var pattern = RecipientPattern.TryParse(text, out _)!; // Why '!': a fixed, valid pattern.
        await using (var db = location.Provider == StoreProvider.Sqlite
            ? new SqliteSkuldDb(new DbContextOptionsBuilder<SqliteSkuldDb>(SqliteSkuldDb.Options(location.ConnectionString)).AddInterceptors(capture).Options)
            : (SkuldDb)new PostgresSkuldDb(new DbContextOptionsBuilder<PostgresSkuldDb>(PostgresSkuldDb.Options(location.ConnectionString)).AddInterceptors(capture).Options))
        {
            db.EnterTenant(tenantId);
            await RecipientSearch.FindAsync(db, tenantId, pattern, pageSize, null, ct);
        }

        var (sql, parameters) = capture.Command ?? throw new InvalidOperationException("No command captured.");
        var plan = new List<string>();
        if (location.Provider == StoreProvider.Sqlite)
        {
            await using var connection = new SqliteConnection(location.ConnectionString);
            await connection.OpenAsync(ct);
            await using var explain = connection.CreateCommand();
            explain.CommandText = "EXPLAIN QUERY PLAN " + sql;
            foreach (var (name, value) in parameters)
            {
                explain.Parameters.AddWithValue(name, value ?? DBNull.Value);
            }

            await using var reader = await explain.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                plan.Add(reader.GetString(3));
            }
        }
        else
        {
            await using var connection = new NpgsqlConnection(location.ConnectionString);
            await connection.OpenAsync(ct);
            await using var explain = connection.CreateCommand();
            explain.CommandText = "EXPLAIN (COSTS OFF) " + sql;
            foreach (var (name, value) in parameters)
            {
                explain.Parameters.AddWithValue(name, value ?? DBNull.Value);
            }

            await using var reader = await explain.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                plan.Add(reader.GetString(0).Trim());
            }
        }

        return string.Join(" | ", plan);
    }

    private static async Task<long> CountAsync(StoreLocation location, Guid tenantId, CancellationToken ct)
    {
        await using var db = SkuldDb.CreateFor(location, tenantId);
        return await db.RecipientAddresses.LongCountAsync(a => a.TenantId == tenantId, ct);
    }

    private static async Task<Guid> SeedAsync(StoreLocation location, int recipients, CancellationToken ct)
    {
        var tenantId = Guid.NewGuid();
        await using (var db = SkuldDb.CreateForAllTenants(location))
        {
            await db.MigrateSkuldAsync(ct);
            db.Tenants.Add(new Tenant { Id = tenantId, DisplayName = "Bench", Domain = "contoso.com", InitialDomain = "contoso.onmicrosoft.com", CountryLetterCode = "US", CreatedDateTime = Start });
            await db.SaveChangesAsync(ct);
        }

        if (location.Provider == StoreProvider.Sqlite)
        {
            await SeedSqliteAsync(location, tenantId, recipients, ct);
        }
        else
        {
            await SeedPostgresAsync(location, tenantId, recipients, ct);
        }

        return tenantId;
    }

    /// <summary>The addresses of recipient i: a primary in its domain, a secondary in the next, and every other one an alias in a third.</summary>
    private static IEnumerable<(string Address, string Key, string Domain, bool Primary)> AddressesOf(int i)
    {
        yield return ($"SMTP:First{i}.Last@{Domains[i % 5]}", $"first{i}.last@{Domains[i % 5]}", Domains[i % 5], true);
        yield return ($"smtp:r{i}@{Domains[(i + 1) % 5]}", $"r{i}@{Domains[(i + 1) % 5]}", Domains[(i + 1) % 5], false);
        if (i % 2 == 0)
        {
            yield return ($"smtp:alias{i}@{Domains[(i + 2) % 5]}", $"alias{i}@{Domains[(i + 2) % 5]}", Domains[(i + 2) % 5], false);
        }
    }

    /// <summary>
    /// One prepared INSERT per table in one transaction, rows in primary-key order; the address table's secondary
    /// indexes are dropped first and re-created from their own stored SQL afterwards (a sorted build instead of
    /// 2.5 million random inserts), so the schema measured is exactly the migrated one.
    /// </summary>
    private static async Task SeedSqliteAsync(StoreLocation location, Guid tenantId, int recipients, CancellationToken ct)
    {
        await using var connection = new SqliteConnection(location.ConnectionString);
        await connection.OpenAsync(ct);
        var indexes = new List<(string Name, string Sql)>();
        await using (var read = connection.CreateCommand())
        {
            read.CommandText = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'recipient_addresses' AND sql IS NOT NULL";
            await using var reader = await read.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                indexes.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        await ExecuteAsync(connection, string.Concat(indexes.Select(i => $"DROP INDEX \"{i.Name}\";")), ct);
        await using (var transaction = connection.BeginTransaction())
        {
            var users = Prepare(connection, transaction,
                "INSERT INTO users (tenant_id, id, user_principal_name, user_principal_name_key, display_name, account_enabled, user_type, other_mails, proxy_addresses, mail, created_date_time, version) " +
                "VALUES ($t, $id, $upn, $key, $name, 1, 'Member', '[]', $proxies, $mail, $at, 0)", "$t", "$id", "$upn", "$key", "$name", "$proxies", "$mail", "$at");
            var contacts = Prepare(connection, transaction,
                "INSERT INTO org_contacts (tenant_id, id, display_name, mail, proxy_addresses, created_date_time, version) VALUES ($t, $id, $name, $mail, $proxies, $at, 0)",
                "$t", "$id", "$name", "$mail", "$proxies", "$at");
            var addresses = Prepare(connection, transaction,
                "INSERT INTO recipient_addresses (tenant_id, address_key, object_id, address, domain, object_type, is_primary, quarantined) VALUES ($t, $k, $o, $a, $d, $type, $p, 0)",
                "$t", "$k", "$o", "$a", "$d", "$type", "$p");
            var tenant = Text(tenantId);
            foreach (var (i, id) in Ids(recipients))
            {
                var own = AddressesOf(i).OrderBy(a => a.Key, StringComparer.Ordinal).ToList();
                var proxies = System.Text.Json.JsonSerializer.Serialize(own.Select(a => a.Address));
                var mail = own.Single(a => a.Primary).Address[5..];
                var user = i % 10 < 7;
                if (user)
                {
                    Run(users, tenant, Text(id), $"user{i}@contoso.com", $"USER{i}@CONTOSO.COM", $"User {i}", proxies, mail, Start.UtcTicks);
                }
                else
                {
                    Run(contacts, tenant, Text(id), $"Contact {i}", mail, proxies, Start.UtcTicks);
                }

                foreach (var a in own)
                {
                    Run(addresses, tenant, a.Key, Text(id), a.Address, a.Domain, user ? "User" : "Contact", a.Primary ? 1 : 0);
                }
            }

            await transaction.CommitAsync(ct);
        }

        await ExecuteAsync(connection, string.Concat(indexes.Select(i => i.Sql + ";")) + "PRAGMA wal_checkpoint(TRUNCATE);", ct);
    }

    /// <summary>Server-side generation, the same shape as on SQLite; secondary indexes dropped and re-created the same way.</summary>
    private static async Task SeedPostgresAsync(StoreLocation location, Guid tenantId, int recipients, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(location.ConnectionString);
        await connection.OpenAsync(ct);
        var indexes = new List<(string Name, string Sql)>();
        await using (var read = connection.CreateCommand())
        {
            read.CommandText = "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'recipient_addresses' AND indexname <> 'PK_recipient_addresses'";
            await using var reader = await read.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                indexes.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        var domains = "ARRAY['" + string.Join("','", Domains) + "']";
        var sql =
            string.Concat(indexes.Select(i => $"DROP INDEX \"{i.Name}\";")) +
            "CREATE TEMP TABLE bench_ids AS SELECT i, gen_random_uuid() AS id FROM generate_series(0, @n - 1) i; " +
            $"CREATE TEMP TABLE bench_addresses AS SELECT b.i, b.id, x.address, x.key, x.domain, x.primary FROM bench_ids b, LATERAL (VALUES " +
            $"('SMTP:First' || b.i || '.Last@' || ({domains})[b.i % 5 + 1], 'first' || b.i || '.last@' || ({domains})[b.i % 5 + 1], ({domains})[b.i % 5 + 1], true), " +
            $"('smtp:r' || b.i || '@' || ({domains})[(b.i + 1) % 5 + 1], 'r' || b.i || '@' || ({domains})[(b.i + 1) % 5 + 1], ({domains})[(b.i + 1) % 5 + 1], false), " +
            $"(CASE WHEN b.i % 2 = 0 THEN 'smtp:alias' || b.i || '@' || ({domains})[(b.i + 2) % 5 + 1] END, 'alias' || b.i || '@' || ({domains})[(b.i + 2) % 5 + 1], ({domains})[(b.i + 2) % 5 + 1], false)" +
            ") AS x(address, key, domain, \"primary\") WHERE x.address IS NOT NULL; " +
            "CREATE TEMP TABLE bench_owners AS SELECT a.i, a.id, array_agg(a.address ORDER BY a.key) AS proxies, " +
            "max(CASE WHEN a.primary THEN substr(a.address, 6) END) AS mail FROM bench_addresses a GROUP BY a.i, a.id; " +
            "INSERT INTO users (tenant_id, id, user_principal_name, user_principal_name_key, display_name, account_enabled, user_type, other_mails, proxy_addresses, mail, created_date_time, version) " +
            "SELECT @t, o.id, 'user' || o.i || '@contoso.com', 'USER' || o.i || '@CONTOSO.COM', 'User ' || o.i, true, 'Member', '{}', o.proxies, o.mail, @at, 0 " +
            "FROM bench_owners o WHERE o.i % 10 < 7 ORDER BY o.id; " +
            "INSERT INTO org_contacts (tenant_id, id, display_name, mail, proxy_addresses, created_date_time, version) " +
            "SELECT @t, o.id, 'Contact ' || o.i, o.mail, o.proxies, @at, 0 FROM bench_owners o WHERE o.i % 10 >= 7 ORDER BY o.id; " +
            "INSERT INTO recipient_addresses (tenant_id, address_key, object_id, address, domain, object_type, is_primary, quarantined) " +
            "SELECT @t, a.key, a.id, a.address, a.domain, CASE WHEN a.i % 10 < 7 THEN 'User' ELSE 'Contact' END, a.primary, false FROM bench_addresses a ORDER BY a.id, a.key; " +
            "DROP TABLE bench_owners; DROP TABLE bench_addresses; DROP TABLE bench_ids; " +
            string.Concat(indexes.Select(i => i.Sql + ";")) + " ANALYZE;";
        await using var command = connection.CreateCommand();
        command.CommandTimeout = 0;
        command.CommandText = sql;
        command.Parameters.AddWithValue("n", recipients);
        command.Parameters.AddWithValue("t", tenantId);
        command.Parameters.AddWithValue("at", Start.ToUniversalTime());
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Recipient numbers with random ids, in id order (the primary key's order, for a fast seed).</summary>
    private static (int I, Guid Id)[] Ids(int recipients)
    {
        var ids = Enumerable.Range(0, recipients).Select(i => (I: i, Id: Guid.NewGuid())).ToArray();
        Array.Sort(ids, (a, b) => string.CompareOrdinal(Text(a.Id), Text(b.Id)));
        return ids;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(ct);
    }


    /// <summary>Keeps the first command EF sends (the page query), with its parameter values.</summary>
    private sealed class FirstCommand : DbCommandInterceptor
    {
        public (string Sql, List<(string Name, object? Value)> Parameters)? Command { get; private set; }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Command ??= (command.CommandText, [.. command.Parameters.Cast<DbParameter>().Select(p => (p.ParameterName, (object?)p.Value))]);
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }
    }
}
