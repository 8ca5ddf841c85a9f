using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Skuld.Store.Providers;

/// <summary>
/// Sets up every SQLite connection: WAL (readers never block the writer), NORMAL sync (safe with WAL),
/// and a busy timeout so concurrent writers wait for each other. Writers then serialise on
/// Microsoft.Data.Sqlite's BeginTransaction, which is BEGIN IMMEDIATE by default: the write lock is
/// taken at the start, so a transaction never fails half-way on a lock upgrade.
/// </summary>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    public static readonly SqlitePragmas Instance = new();

    private const string Pragmas = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default) =>
        ApplyAsync(connection, cancellationToken);

    /// <summary>For a connection opened outside EF Core (a processing loop's own).</summary>
    public static async Task ApplyAsync(DbConnection connection, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(ct);
    }
}
