using Microsoft.Data.Sqlite;
using Skuld.Store;

namespace Skuld.Testing;

public enum StoreKind
{
    Sqlite,
    Postgres,
}

/// <summary>
/// A fresh, migrated store of either kind for one test: an SQLite file of its own, or a database of
/// its own on the shared PostgreSQL cluster. Both are copied from a template migrated once per process.
/// </summary>
public sealed class TestStore : IAsyncDisposable
{
    private static readonly Lazy<Task<string>> SqliteTemplate = new(MigratedSqliteTemplateAsync);
    private static readonly Lazy<Task<string>> PostgresTemplate = new(MigratedPostgresTemplateAsync);

    private TestStore(StoreKind kind, StoreLocation location, string? sqlitePath)
    {
        Kind = kind;
        Location = location;
        this.sqlitePath = sqlitePath;
    }

    private readonly string? sqlitePath;

    public StoreKind Kind { get; }
    public StoreLocation Location { get; }

    /// <summary>The <c>--store</c> spec of this store (for the CLI and the server's configuration).</summary>
    public string Spec => Kind == StoreKind.Sqlite ? $"sqlite:{sqlitePath}" : $"postgres:{Location.ConnectionString}";

    /// <summary>A fresh store with the schema applied.</summary>
    public static async Task<TestStore> CreateAsync(StoreKind kind, CancellationToken ct = default)
    {
        switch (kind)
        {
            case StoreKind.Sqlite:
                var path = NewSqlitePath();
                File.Copy(await SqliteTemplate.Value, path);
                return new TestStore(kind, StoreLocation.Sqlite(path), path);
            case StoreKind.Postgres:
                var template = new Npgsql.NpgsqlConnectionStringBuilder(await PostgresTemplate.Value).Database;
                return new TestStore(kind, StoreLocation.Postgres(await PostgresServer.CreateDatabaseAsync(template, ct)), null);
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    /// <summary>A fresh store with no schema at all (to test migrations themselves).</summary>
    public static async Task<TestStore> CreateEmptyAsync(StoreKind kind, CancellationToken ct = default)
    {
        switch (kind)
        {
            case StoreKind.Sqlite:
                var path = NewSqlitePath();
                return new TestStore(kind, StoreLocation.Sqlite(path), path);
            case StoreKind.Postgres:
                return new TestStore(kind, StoreLocation.Postgres(await PostgresServer.CreateDatabaseAsync(ct: ct)), null);
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    /// <summary>
    /// A new context on this store that sees every tenant (the test is the operator: it seeds and inspects any
    /// tenant); the caller disposes it. Product code runs in a tenant's scope: see <see cref="NewDb(Guid)"/>.
    /// </summary>
    public SkuldDb NewDb() => SkuldDb.CreateForAllTenants(Location);

    /// <summary>A new context on this store scoped to one tenant, as a request of that tenant's caller gets it.</summary>
    public SkuldDb NewDb(Guid tenantId) => SkuldDb.CreateFor(Location, tenantId);

    public async ValueTask DisposeAsync()
    {
        if (sqlitePath is not null)
        {
            SqliteConnection.ClearPool(new SqliteConnection(Location.ConnectionString));
            foreach (var file in new[] { sqlitePath, sqlitePath + "-wal", sqlitePath + "-shm" })
            {
                File.Delete(file);
            }
        }
        else
        {
            await PostgresServer.DropDatabaseAsync(Location.ConnectionString);
        }
    }

    private static string NewSqlitePath() => Path.Combine(Path.GetTempPath(), $"skuld-test-{Guid.NewGuid():N}.db");

    private static async Task<string> MigratedSqliteTemplateAsync()
    {
        var path = NewSqlitePath();
        await using (var db = SkuldDb.CreateFor(StoreLocation.Sqlite(path)))
        {
            await db.MigrateSkuldAsync();
        }

        // Closing the last connection checkpoints the WAL into the file, so a plain copy is complete.
        SqliteConnection.ClearAllPools();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => File.Delete(path);
        return path;
    }

    private static async Task<string> MigratedPostgresTemplateAsync()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        await using (var db = SkuldDb.CreateFor(StoreLocation.Postgres(connectionString)))
        {
            await db.MigrateSkuldAsync();
        }

        // CREATE DATABASE … TEMPLATE needs the template to have no open connections.
        await using (var pooled = new Npgsql.NpgsqlConnection(connectionString))
        {
            Npgsql.NpgsqlConnection.ClearPool(pooled);
        }

        return connectionString;
    }
}
