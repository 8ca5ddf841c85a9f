using Skuld.Bench;

namespace Skuld.Processing.Tests;

public sealed class GroupProcessingBenchTests
{
    /// <summary>
    /// Off by default (it takes a while): <c>SKULD_BENCH_MEMBERS=1000000 dotnet test tests/Skuld.Processing.Tests</c>.
    /// The targets: ≤ 10 s and ≤ 3× the raw insert floor, peak memory ≤ 1.5 GB.
    /// </summary>
    [Fact]
    public async Task Processing_a_large_group_on_sqlite_stays_within_three_times_the_insert_floor()
    {
        if (!int.TryParse(Environment.GetEnvironmentVariable("SKULD_BENCH_MEMBERS"), out var members))
        {
            Assert.Skip("Set SKULD_BENCH_MEMBERS to run the group-processing benchmark.");
        }
        var batchSize = int.TryParse(Environment.GetEnvironmentVariable("SKULD_BENCH_BATCH"), out var b) ? b : 10_000;
        var path = Path.Combine(Path.GetTempPath(), $"skuld-bench-{Guid.NewGuid():N}.db");
        try
        {
            var result = await GroupProcessingBench.RunSqliteAsync(path, members, batchSize, TestContext.Current.CancellationToken);
            TestContext.Current.SendDiagnosticMessage(result.ToString());
            Console.WriteLine(result);
            Assert.True(result.RatioToFloor <= 3, result.ToString());
            Assert.True(result.PeakWorkingSetBytes <= 1536L * 1024 * 1024, result.ToString());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var file in new[] { path, path + "-wal", path + "-shm" })
            {
                File.Delete(file);
            }
        }
    }
}
