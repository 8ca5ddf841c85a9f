using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Skuld.Store;
using Skuld.Testing;

namespace Skuld.Server.Tests.Infrastructure;

/// <summary>
/// The real server in memory on a fresh, migrated store of its own (SQLite file or PostgreSQL database),
/// with a <see cref="FakeTimeProvider"/> as its clock. One per test: <c>await using var server = await SkuldServer.StartAsync(kind);</c>
/// </summary>
public sealed class SkuldServer : WebApplicationFactory<Program>
{
    private readonly bool _ownsStore;

    private SkuldServer(TestStore store, bool ownsStore)
    {
        Store = store;
        _ownsStore = ownsStore;
    }

    public TestStore Store { get; }

    /// <summary>The server's clock; starts at the real current time so stored dates look normal.</summary>
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public static async Task<SkuldServer> StartAsync(StoreKind kind) => new(await TestStore.CreateAsync(kind), ownsStore: true);

    /// <summary>A second server process on this server's store (as when several share one database); dispose it first.</summary>
    public SkuldServer OnSameStore() => new(Store, ownsStore: false);

    /// <summary>A context on the server's store for seeding and checking data directly; dispose it.</summary>
    public SkuldDb NewDb() => Store.NewDb();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Skuld:Store", Store.Spec);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Time));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_ownsStore)
        {
            await Store.DisposeAsync();
        }
    }
}
