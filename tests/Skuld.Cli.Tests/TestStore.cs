using Skuld.Store;

namespace Skuld.Cli.Tests;

/// <summary>A fresh, empty store for one test, as a <c>--store</c> value.</summary>
public sealed class TestStore : IAsyncDisposable
{
    private readonly string? file;

    private TestStore(string spec, string? file)
    {
        Spec = spec;
        this.file = file;
    }

    public string Spec { get; }

    public static Task<TestStore> CreateAsync(string provider) => provider switch
    {
        "sqlite" => Task.FromResult(NewSqlite()),
        _ => throw new ArgumentOutOfRangeException(nameof(provider), provider, "unknown provider"),
    };

    public SkuldDb Open() => SkuldDb.CreateFor(StoreLocation.Parse(Spec));

    public ValueTask DisposeAsync()
    {
        if (file is not null)
        {
            foreach (var path in new[] { file, file + "-wal", file + "-shm" })
            {
                File.Delete(path);
            }
        }

        return ValueTask.CompletedTask;
    }

    private static TestStore NewSqlite()
    {
        var file = Path.Combine(Path.GetTempPath(), $"skuld-cli-{Guid.NewGuid():N}.db");
        return new TestStore($"sqlite:{file}", file);
    }
}
