using System.Buffers.Text;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Skuld.Store.Processing.Internal;

/// <summary>
/// One statement prepared on the batch's SQLite connection (inside its transaction), bound by position and stepped
/// through SQLitePCLRaw, the layer under Microsoft.Data.Sqlite. Why not a <see cref="SqliteCommand"/>: a command binds
/// every parameter again, by name, on every execution and builds a data reader to run once; a million-member group
/// job runs two inserts per member. Here a value stays bound until it changes (SQLite keeps bindings across
/// <c>sqlite3_reset</c>), so the constants of a batch (tenant, SKU, app, correlation, …) are bound once, and text is
/// encoded into one reused buffer; a query's rows are read from SQLite's buffers (GUID text parsed without a string in
/// between). Values are bound and read as EF Core stores them (see <see cref="SqliteDialect"/>).
/// Get one from <see cref="TenantSql.SqliteStatement"/>, which binds the scope's tenant as <c>$t</c>.
/// </summary>
internal sealed class SqliteStatement : IDisposable
{
    private readonly sqlite3 connection;
    private readonly sqlite3_stmt statement;
    // What each position holds now: the same string instance, GUID or number is not bound again.
    private readonly object?[] bound;
    private byte[] buffer = new byte[1024];

    public SqliteStatement(SqliteConnection connection, string sql)
    {
        this.connection = connection.Handle ?? throw new InvalidOperationException("The SQLite connection is not open.");
        Check(raw.sqlite3_prepare_v2(this.connection, sql, out statement));
        bound = new object?[raw.sqlite3_bind_parameter_count(statement) + 1];
    }

    /// <summary>The position of a named parameter (<c>$name</c>), 1-based as SQLite counts.</summary>
    public int this[string name] => raw.sqlite3_bind_parameter_index(statement, name) is > 0 and var index
        ? index
        : throw new ArgumentException($"The statement has no parameter {name}.", nameof(name));

    public void Text(int index, string? value)
    {
        if (value is null)
        {
            Null(index);
            return;
        }
        if (ReferenceEquals(bound[index], value))
        {
            return;
        }
        if (value.Length == 0)
        {
            // An empty span would bind a null pointer, which SQLite takes for NULL.
            Check(raw.sqlite3_bind_text(statement, index, value));
            bound[index] = value;
            return;
        }
        var length = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (buffer.Length < length)
        {
            buffer = new byte[Math.Max(length, buffer.Length * 2)];
        }
        var written = Encoding.UTF8.GetBytes(value, buffer);
        Check(raw.sqlite3_bind_text(statement, index, buffer.AsSpan(0, written)));
        bound[index] = value;
    }

    /// <summary>A GUID as EF Core stores it on SQLite: upper-case text.</summary>
    public void Text(int index, Guid value)
    {
        if (bound[index] is Guid same && same == value)
        {
            return;
        }
        Span<byte> text = stackalloc byte[36];
        value.TryFormat(text, out _, "D");
        for (var i = 0; i < text.Length; i++)
        {
            // Hex digits only: a–f to A–F.
            if (text[i] is >= (byte)'a' and <= (byte)'f')
            {
                text[i] -= 'a' - 'A';
            }
        }
        Check(raw.sqlite3_bind_text(statement, index, text));
        bound[index] = value;
    }

    public void Text(int index, Guid? value)
    {
        if (value is { } id)
        {
            Text(index, id);
        }
        else
        {
            Null(index);
        }
    }

    public void Integer(int index, long? value)
    {
        if (value is not { } number)
        {
            Null(index);
            return;
        }
        if (bound[index] is long same && same == number)
        {
            return;
        }
        Check(raw.sqlite3_bind_int64(statement, index, number));
        bound[index] = number;
    }

    public void Null(int index)
    {
        if (bound[index] is DBNull)
        {
            return;
        }
        Check(raw.sqlite3_bind_null(statement, index));
        bound[index] = DBNull.Value;
    }

    /// <summary>Runs the statement once (an INSERT, UPDATE or DELETE) with what is bound now.</summary>
    public void Run()
    {
        if (Read())
        {
            raw.sqlite3_reset(statement);
            throw new InvalidOperationException("The statement returned a row; it should not return any.");
        }
    }

    /// <summary>Steps a query: true with a row to read through the column methods below, false at its end.</summary>
    public bool Read()
    {
        var result = raw.sqlite3_step(statement);
        if (result == raw.SQLITE_ROW)
        {
            return true;
        }
        try
        {
            // The message is the connection's until the reset below: read it first.
            SqliteException.ThrowExceptionForRC(result, connection);
            return false;
        }
        finally
        {
            raw.sqlite3_reset(statement);
        }
    }

    public bool IsNull(int column) => raw.sqlite3_column_type(statement, column) == raw.SQLITE_NULL;

    public long Int64(int column) => raw.sqlite3_column_int64(statement, column);

    public string String(int column) => Encoding.UTF8.GetString(raw.sqlite3_column_blob(statement, column));

    /// <summary>A GUID stored as text (as EF Core stores them), parsed from the column's bytes without a string in between.</summary>
    public Guid Guid(int column) =>
        Utf8Parser.TryParse(raw.sqlite3_column_blob(statement, column), out Guid value, out var read, 'D') && read == 36
            ? value
            : throw new FormatException($"Column {column} does not hold a GUID.");

    public void Dispose() => statement.Dispose();

    private void Check(int result)
    {
        if (result != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(result, connection);
        }
    }
}
