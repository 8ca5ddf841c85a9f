using Skuld.Store;
using Skuld.Store.Bootstrap;

namespace Skuld.Cli.Bootstrap;

/// <summary>The shape every bootstrap verb shares: open the store, run one step, print its value or its error.</summary>
internal static class BootstrapAction
{
    public static async Task<int> RunAsync<T>(
        CliOutput cli,
        string store,
        Func<SkuldDb, CancellationToken, Task<BootstrapResult<T>>> step,
        Func<T, int> print,
        CancellationToken ct)
        where T : class
    {
        var (db, exitCode) = await StoreOptions.OpenAsync(store, cli, ct);
        if (db is null)
        {
            return exitCode;
        }

        await using (db)
        {
            var result = await step(db, ct);
            return result.Succeeded ? print(result.Value) : cli.Fail(result.Error.Message);
        }
    }
}
