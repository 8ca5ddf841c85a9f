using System.CommandLine;
using System.Data.Common;
using Skuld.Store;

namespace Skuld.Cli;

/// <summary><c>--store sqlite:PATH | postgres:CONNECTION</c>, shared by <c>serve</c> and the bootstrap verbs.</summary>
public static class StoreOptions
{
    public const string DefaultStore = "sqlite:skuld.db";

    public static Option<string> Create() => new("--store")
    {
        Description = "Where the data lives: sqlite:PATH or postgres:CONNECTION-STRING (an SQLite file in the current folder by default).",
        DefaultValueFactory = _ => DefaultStore,
        HelpName = "sqlite:PATH|postgres:CONN",
    };

    /// <summary>
    /// Opens the store and brings its schema up to date, or reports why it can't (a bad location or an
    /// unreachable database is the operator's to fix, so it is a message, not a stack trace).
    /// </summary>
    public static async Task<(SkuldDb? Db, int ExitCode)> OpenAsync(string store, CliOutput cli, CancellationToken ct)
    {
        if (!StoreLocation.TryParse(store, out var location, out var invalid))
        {
            return (null, cli.Fail(invalid, SkuldCli.Usage));
        }

        var db = SkuldDb.CreateFor(location);
        try
        {
            await db.MigrateSkuldAsync(ct);
            return (db, SkuldCli.Ok);
        }
        catch (DbException e)
        {
            await db.DisposeAsync();
            // StoreLocation's text leaves out a PostgreSQL password.
            return (null, cli.Fail($"cannot open the store '{location}': {e.Message}"));
        }
    }
}
