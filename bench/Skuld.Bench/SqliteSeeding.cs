using Microsoft.Data.Sqlite;

namespace Skuld.Bench;

/// <summary>Prepared SQLite inserts for seeding and the raw floor: one command, its parameters set and run per row.</summary>
internal static class SqliteSeeding
{
    public static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] names)
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

    public static void Run(SqliteCommand command, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }

        command.ExecuteNonQuery();
    }

    /// <summary>A GUID as EF Core stores it in SQLite.</summary>
    public static string Text(Guid id) => id.ToString("D").ToUpperInvariant();
}
