using Microsoft.Data.Sqlite;
using Skuld.Bench;
using Skuld.Store;
using Skuld.Store.Processing;
using Skuld.Testing;

// dotnet run -c Release --project bench/Skuld.Bench -- --members 100000,1000000 --store sqlite|postgres|both [--batch 10000] [--adds 1000]
// dotnet run -c Release --project bench/Skuld.Bench -- --recipients 1000000 --store sqlite|postgres|both [--lookups 1000] [--page 100]
var members = new List<int> { 100_000 };
var stores = new List<string> { "sqlite" };
var batch = LicenseProcessing.DefaultBatchSize;
var adds = 1_000;
var recipients = new List<int>();
var lookups = 1_000;
var pageSize = 100;
for (var i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--members": members = [.. args[i + 1].Split(',').Select(int.Parse)]; break;
        case "--store": stores = args[i + 1] == "both" ? ["sqlite", "postgres"] : [args[i + 1]]; break;
        case "--batch": batch = int.Parse(args[i + 1]); break;
        case "--adds": adds = int.Parse(args[i + 1]); break;
        case "--recipients": recipients = [.. args[i + 1].Split(',').Select(int.Parse)]; break;
        case "--lookups": lookups = int.Parse(args[i + 1]); break;
        case "--page": pageSize = int.Parse(args[i + 1]); break;
        default: Console.Error.WriteLine($"Unknown option {args[i]}"); return 2;
    }
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
if (recipients.Count > 0)
{
    foreach (var store in stores)
    {
        foreach (var n in recipients)
        {
            Console.WriteLine(await RunRecipientsAsync(store, n));
        }
    }

    return 0;
}

foreach (var store in stores)
{
    foreach (var n in members)
    {
        var result = store switch
        {
            "sqlite" => await RunSqliteAsync(n),
            "postgres" => await RunPostgresAsync(n),
            _ => throw new ArgumentException($"Unknown store {store}: sqlite, postgres or both."),
        };
        Console.WriteLine(result);
    }
}
return 0;

async Task<string> RunRecipientsAsync(string store, int n)
{
    if (store == "sqlite")
    {
        var path = Path.Combine(Path.GetTempPath(), $"skuld-bench-{Guid.NewGuid():N}.db");
        try
        {
            return await RecipientSearchBench.RunAsync(StoreLocation.Sqlite(path), n, lookups, pageSize, cancel.Token);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            {
                File.Delete(file);
            }
        }
    }

    var connectionString = await PostgresServer.CreateDatabaseAsync(ct: cancel.Token);
    try
    {
        return await RecipientSearchBench.RunAsync(StoreLocation.Postgres(connectionString), n, lookups, pageSize, cancel.Token);
    }
    finally
    {
        await PostgresServer.DropDatabaseAsync(connectionString);
    }
}

async Task<BenchResult> RunSqliteAsync(int n)
{
    var path = Path.Combine(Path.GetTempPath(), $"skuld-bench-{Guid.NewGuid():N}.db");
    try
    {
        return await GroupProcessingBench.RunAsync(StoreLocation.Sqlite(path), n, batch, adds, cancel.Token);
    }
    finally
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }
    }
}

async Task<BenchResult> RunPostgresAsync(int n)
{
    var connectionString = await PostgresServer.CreateDatabaseAsync(ct: cancel.Token);
    try
    {
        return await GroupProcessingBench.RunAsync(StoreLocation.Postgres(connectionString), n, batch, adds, cancel.Token);
    }
    finally
    {
        await PostgresServer.DropDatabaseAsync(connectionString);
    }
}
