using Microsoft.Data.Sqlite;
using Skuld.Store.Processing.Internal;

namespace Skuld.Store.Tests.Processing;

/// <summary>
/// The checkpoint beside processing copies committed log pages into the database file while the writer keeps its
/// connection (and its log) open. The file is read with <c>immutable=1</c>, which ignores the log: it sees a row only
/// once a checkpoint has copied it.
/// </summary>
public sealed class SqliteCheckpointsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_requested_checkpoint_copies_the_committed_log_into_the_file_beside_an_open_writer()
    {
        var path = Path.Combine(Path.GetTempPath(), $"skuld-checkpoint-{Guid.NewGuid():N}.db");
        var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString();
        try
        {
            await using var writer = new SqliteConnection(connectionString);
            await writer.OpenAsync(Ct);
            Execute(writer, "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0; CREATE TABLE t (n INTEGER NOT NULL);");
            Execute(writer, "PRAGMA wal_checkpoint(TRUNCATE);");
            Execute(writer, "BEGIN; WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 1000) INSERT INTO t SELECT n FROM s; COMMIT;");
            Assert.Equal(0, CountInFile(path));

            SqliteCheckpoints.Request(connectionString);

            var copied = 0L;
            for (var i = 0; i < 200 && copied != 1000; i++)
            {
                await Task.Delay(50, Ct);
                copied = CountInFile(path);
            }
            Assert.Equal(1000, copied);
        }
        finally
        {
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            {
                File.Delete(file);
            }
        }
    }

    [Fact]
    public void A_request_for_a_store_that_does_not_exist_creates_nothing()
    {
        var path = Path.Combine(Path.GetTempPath(), $"skuld-checkpoint-{Guid.NewGuid():N}.db");

        SqliteCheckpoints.Request(new SqliteConnectionStringBuilder { DataSource = path }.ToString());
        Thread.Sleep(200);

        Assert.False(File.Exists(path));
    }

    /// <summary>Rows of t in the database file alone (the log ignored), or 0 while the table is only in the log.</summary>
    private static long CountInFile(string path)
    {
        using var reader = new SqliteConnection($"Data Source=file:{path}?immutable=1;Mode=ReadOnly;Pooling=False");
        reader.Open();
        using var command = reader.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE name = 't'";
        if ((long)command.ExecuteScalar()! == 0)
        {
            return 0;
        }
        command.CommandText = "SELECT count(*) FROM t";
        return (long)command.ExecuteScalar()!;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
