using Microsoft.Data.Sqlite;
using Skuld.Store.Processing.Internal;

namespace Skuld.Store.Tests.Processing;

/// <summary>
/// The positional statement processing writes its rows and audit events with: values as EF Core stores them,
/// kept bound until they change, SQLite's own errors, on a real SQLite file.
/// </summary>
public sealed class SqliteStatementTests : IAsyncLifetime
{
    private readonly string path = Path.Combine(Path.GetTempPath(), $"skuld-statement-{Guid.NewGuid():N}.db");
    private SqliteConnection connection = null!;

    public async ValueTask InitializeAsync()
    {
        connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        Execute("CREATE TABLE t (a TEXT UNIQUE, b TEXT, n INTEGER, g TEXT)");
    }

    public async ValueTask DisposeAsync()
    {
        await connection.DisposeAsync();
        File.Delete(path);
    }

    [Fact]
    public void Values_are_written_as_ef_core_stores_them_and_stay_bound_until_they_change()
    {
        var id = Guid.Parse("0a1b2c3d-4e5f-6789-abcd-ef0123456789");
        using (var insert = new SqliteStatement(connection, "INSERT INTO t (a, b, n, g) VALUES ($a, $b, $n, $g)"))
        {
            var (a, b, n, g) = (insert["$a"], insert["$b"], insert["$n"], insert["$g"]);
            insert.Text(a, "first");
            insert.Text(b, "");
            insert.Integer(n, 5);
            insert.Text(g, id);
            insert.Run();

            insert.Text(a, "second");
            insert.Integer(n, 6);
            insert.Run();

            insert.Text(a, "third");
            insert.Text(b, (string?)null);
            insert.Integer(n, null);
            insert.Text(g, (Guid?)null);
            insert.Run();
        }

        Assert.Equal(
            [
                "first|text:|5|0A1B2C3D-4E5F-6789-ABCD-EF0123456789",
                "second|text:|6|0A1B2C3D-4E5F-6789-ABCD-EF0123456789",
                "third|null:|null|null",
            ],
            Rows("SELECT a || '|' || typeof(b) || ':' || coalesce(b, '') || '|' || coalesce(n, 'null') || '|' || coalesce(g, 'null') FROM t ORDER BY rowid"));
        // The text EF Core writes for the same GUID on SQLite (upper case), so EF queries find these rows.
        Assert.Equal(id.ToString("D").ToUpperInvariant(), Rows("SELECT g FROM t WHERE a = 'first'").Single());
    }

    [Fact]
    public void A_query_reads_its_rows_as_ef_core_stores_them_and_runs_again_after_its_end()
    {
        var id = Guid.NewGuid();
        Execute($"INSERT INTO t (a, b, n, g) VALUES ('Zoë', NULL, 42, '{id.ToString("D").ToUpperInvariant()}'), ('x', 'y', -1, 'not a guid')");
        using var query = new SqliteStatement(connection, "SELECT a, b, n, g FROM t WHERE n > $min ORDER BY rowid");
        query.Integer(query["$min"], 0);

        var rows = new List<(string, bool, long, Guid)>();
        for (var pass = 0; pass < 2; pass++)
        {
            while (query.Read())
            {
                rows.Add((query.String(0), query.IsNull(1), query.Int64(2), query.Guid(3)));
            }
        }
        query.Integer(query["$min"], -5);
        Assert.True(query.Read());
        Assert.True(query.Read());
        var notAGuid = Assert.Throws<FormatException>(() => query.Guid(3));

        Assert.Equal([("Zoë", true, 42L, id), ("Zoë", true, 42L, id)], rows);
        Assert.Equal("Column 3 does not hold a GUID.", notAGuid.Message);
    }

    [Fact]
    public void A_failing_run_throws_sqlites_error_and_the_statement_runs_again_with_other_values()
    {
        using var insert = new SqliteStatement(connection, "INSERT INTO t (a) VALUES ($a)");
        insert.Text(insert["$a"], "same");
        insert.Run();

        var error = Assert.Throws<SqliteException>(insert.Run);

        Assert.Equal(19, error.SqliteErrorCode);
        Assert.Contains("UNIQUE constraint failed: t.a", error.Message);
        insert.Text(insert["$a"], "other");
        insert.Run();
        Assert.Equal(["same", "other"], Rows("SELECT a FROM t ORDER BY rowid"));
    }

    [Fact]
    public void A_parameter_the_statement_does_not_have_is_refused_by_name()
    {
        using var insert = new SqliteStatement(connection, "INSERT INTO t (a) VALUES ($a)");

        var error = Assert.Throws<ArgumentException>(() => insert["$missing"]);

        Assert.StartsWith("The statement has no parameter $missing.", error.Message);
    }

    private void Execute(string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private List<string> Rows(string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(reader.GetString(0));
        }
        return rows;
    }
}
