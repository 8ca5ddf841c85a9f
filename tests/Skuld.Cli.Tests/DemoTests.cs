using Microsoft.EntityFrameworkCore;
using Skuld.Store.Bootstrap;
using Skuld.Testing;

namespace Skuld.Cli.Tests;

public sealed class DemoTests
{
    [Theory, AllStores]
    public async Task Demo_on_an_empty_store_creates_people_and_consistent_seat_counts(StoreKind kind)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await TestStore.CreateAsync(kind, TestContext.Current.CancellationToken);
        await using var db = store.NewDb();

        var result = await DemoTenant.CreateAsync(db, TimeProvider.System, ct);

        Assert.True(result.Succeeded, result.Error?.Message);
        await using var check = store.NewDb();
        Assert.Equal(DemoTenant.People + 1, await check.Users.CountAsync(ct));
        Assert.Equal(DemoTenant.PeopleWithoutUsageLocation, await check.Users.CountAsync(u => u.UsageLocation == null, ct));
        var used = await check.LicenseAssignments.GroupBy(a => a.SkuId).Select(g => new { SkuId = g.Key, Count = g.Count() }).ToListAsync(ct);
        foreach (var sku in await check.TenantSkus.ToListAsync(ct))
        {
            Assert.Equal(used.Single(u => u.SkuId == sku.SkuId).Count, sku.ConsumedUnits);
            Assert.True(sku.ConsumedUnits <= sku.EnabledUnits);
        }

        var e5 = result.Value.Skus.Single(s => s.SkuPartNumber == "SPE_E5");
        Assert.Equal(e5.EnabledUnits - 1, e5.ConsumedUnits);
        var unlocated = await check.Users.Where(u => u.UsageLocation == null).Select(u => u.Id).ToListAsync(ct);
        Assert.False(await check.LicenseAssignments.AnyAsync(a => unlocated.Contains(a.UserId), ct));
    }

    [Theory, AllStores]
    public async Task Demo_does_nothing_when_the_store_has_a_tenant(StoreKind kind)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await TestStore.CreateAsync(kind, TestContext.Current.CancellationToken);
        await using var db = store.NewDb();
        Assert.True((await DemoTenant.CreateAsync(db, TimeProvider.System, ct)).Succeeded);

        await using var again = store.NewDb();
        var second = await DemoTenant.CreateAsync(again, TimeProvider.System, ct);

        Assert.Equal(BootstrapErrorCode.StoreNotEmpty, second.Error?.Code);
        Assert.Equal(1, await again.Tenants.CountAsync(ct));
        Assert.Equal(DemoTenant.People + 1, await again.Users.CountAsync(ct));
    }

    [Fact]
    public async Task Serve_demo_seeds_the_store_and_prints_how_to_sign_in()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var store = await TestStore.CreateAsync(StoreKind.Sqlite, TestContext.Current.CancellationToken);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var output = new SignalingWriter("curl -H");
        using var error = new StringWriter();

        var serving = SkuldCli.RunAsync(["serve", "--demo", "--urls", "http://127.0.0.1:0", "--store", store.Spec], output, error, stop.Token);
        var first = await Task.WhenAny(serving, output.Seen.Task, Task.Delay(TimeSpan.FromSeconds(60), ct));
        await stop.CancelAsync();
        var exitCode = await serving;

        Assert.True(first == output.Seen.Task, $"no sign-in hint; exit {exitCode}; output: {output}; error: {error}");
        Assert.Equal(0, exitCode);
        var text = output.ToString();
        Assert.Contains("admin@contoso.com", text);
        Assert.Matches(@"http://127\.0\.0\.1:\d+/contoso\.com/oauth2/v2\.0/token", text);
        Assert.Contains("/v1.0/subscribedSkus", text);
        await using var db = store.NewDb();
        Assert.Equal(DemoTenant.People + 1, await db.Users.CountAsync(ct));
    }

    /// <summary>A thread-safe writer that signals once the text it waits for has been written.</summary>
    private sealed class SignalingWriter(string waitFor) : StringWriter
    {
        private readonly Lock gate = new();

        public TaskCompletionSource Seen { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Write(char value)
        {
            lock (gate)
            {
                base.Write(value);
                Check();
            }
        }

        public override void Write(string? value)
        {
            lock (gate)
            {
                base.Write(value);
                Check();
            }
        }

        public override void Write(char[] buffer, int index, int count)
        {
            lock (gate)
            {
                base.Write(buffer, index, count);
                Check();
            }
        }

        public override string ToString()
        {
            lock (gate)
            {
                return base.ToString();
            }
        }

        private void Check()
        {
            if (base.ToString().Contains(waitFor, StringComparison.Ordinal))
            {
                Seen.TrySetResult();
            }
        }
    }
}
