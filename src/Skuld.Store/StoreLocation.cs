using System.Diagnostics.CodeAnalysis;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Skuld.Store;

public enum StoreProvider
{
    Sqlite,
    Postgres,
}

/// <summary>
/// Where the store lives: <c>sqlite:PATH</c> (the embedded default) or <c>postgres:CONNECTION</c>.
/// <see cref="ConnectionString"/> is the provider's ADO.NET connection string.
/// </summary>
public sealed record StoreLocation(StoreProvider Provider, string ConnectionString)
{
    /// <summary>The SQLite file <c>skuld.db</c> in the current folder.</summary>
    public static StoreLocation Default => Sqlite("skuld.db");

    public static StoreLocation Sqlite(string path) => new(StoreProvider.Sqlite, SqliteConnectionString(path));

    public static StoreLocation Postgres(string connectionString) => new(StoreProvider.Postgres, connectionString);

    /// <summary>Parses a <c>--store</c> value; throws <see cref="FormatException"/> with a message fit for the command line.</summary>
    public static StoreLocation Parse(string spec) =>
        TryParse(spec, out var location, out var error) ? location : throw new FormatException(error);

    /// <summary>Parses a <c>--store</c> value: <c>sqlite:PATH</c> or <c>postgres:CONNECTION</c>.</summary>
    public static bool TryParse(string? spec, [NotNullWhen(true)] out StoreLocation? location, [NotNullWhen(false)] out string? error)
    {
        location = null;
        error = null;
        var colon = spec?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        if (spec is null || colon < 0)
        {
            error = $"Invalid store '{spec}': expected sqlite:PATH or postgres:CONNECTION (e.g. sqlite:skuld.db, postgres:Host=localhost;Username=skuld;Database=skuld).";
            return false;
        }

        var scheme = spec[..colon].Trim().ToLowerInvariant();
        var rest = spec[(colon + 1)..].Trim();
        if (rest.Length == 0)
        {
            error = $"Invalid store '{spec}': nothing after '{scheme}:'.";
            return false;
        }

        switch (scheme)
        {
            case "sqlite":
                location = Sqlite(rest);
                return true;
            case "postgres" or "postgresql":
                try
                {
                    // Why: a typo in a keyword should fail here, with the keyword named, not at the first query.
                    location = Postgres(new NpgsqlConnectionStringBuilder(rest).ConnectionString);
                    return true;
                }
                catch (ArgumentException e)
                {
                    error = $"Invalid PostgreSQL connection string in store '{scheme}:…': {e.Message}";
                    return false;
                }
            default:
                error = $"Invalid store '{spec}': unknown provider '{scheme}', expected sqlite or postgres.";
                return false;
        }
    }

    /// <summary>The spec this location parses from (without a PostgreSQL password).</summary>
    public override string ToString() => Provider switch
    {
        StoreProvider.Sqlite => $"sqlite:{new SqliteConnectionStringBuilder(ConnectionString).DataSource}",
        StoreProvider.Postgres => $"postgres:{new NpgsqlConnectionStringBuilder(ConnectionString) { Password = null }.ConnectionString}",
    };

    private static string SqliteConnectionString(string pathOrConnectionString)
    {
        // Accept a full connection string too ("sqlite:Data Source=x.db;Cache=Shared").
        var builder = pathOrConnectionString.Contains('=', StringComparison.Ordinal)
            ? new SqliteConnectionStringBuilder(pathOrConnectionString)
            : new SqliteConnectionStringBuilder { DataSource = pathOrConnectionString };
        builder.ForeignKeys = true;
        return builder.ConnectionString;
    }
}
