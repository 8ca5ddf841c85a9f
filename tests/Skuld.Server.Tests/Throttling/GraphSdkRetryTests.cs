using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Skuld.Server.Tests.Infrastructure;
using Skuld.Store.Auth;
using Skuld.Testing;

namespace Skuld.Server.Tests.Throttling;

/// <summary>
/// The point of Graph's 429 shape: the official SDK's RetryHandler reads <c>Retry-After</c>, waits and
/// retries, and the caller's call simply succeeds. Runs on the real clock (the handler sleeps for real)
/// with a 2-second window so the wait is about one second.
/// </summary>
public sealed class GraphSdkRetryTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Graph_sdk_retry_handler_waits_retry_after_and_the_call_succeeds()
    {
        await using var server = await SkuldServer.StartAsync(StoreKind.Sqlite);
        var tenant = await server.AddTenantAsync("contoso.com");
        await server.AddUserAsync(tenant, "ann");
        var app = await server.AddAppAsync(tenant, "reporter", DirectoryRole.GlobalReader);
        var log = new RequestLog();
        // 4 units per 2 s: two GET /users (2 units each) drain the bucket; the third must wait about 1 s.
        var throttled = server.WithThrottling(resourceUnits: 4, window: 2, configure: builder => builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(TimeProvider.System);
            services.AddSingleton<IStartupFilter>(log);
        }));
        var graph = GraphSdkClient.Create(throttled, await throttled.AppTokenAsync("contoso.com", app));
        // A first request on another app's budget warms the server up, so the three below follow each other quickly.
        var warmUp = await server.AddAppAsync(tenant, "warm-up", DirectoryRole.GlobalReader);
        await GraphSdkClient.Create(throttled, await throttled.AppTokenAsync("contoso.com", warmUp)).Users.GetAsync(cancellationToken: Cancel);
        log.Entries.Clear();

        for (var i = 0; i < 3; i++)
        {
            var users = await graph.Users.GetAsync(cancellationToken: Cancel);
            Assert.Equal("ann@contoso.com", Assert.Single(users!.Value!).UserPrincipalName);
        }

        var seen = log.Entries.Where(e => e.Path == "/v1.0/users").ToList();
        Assert.Equal([200, 200, 429, 200], seen.Select(e => e.Status));
        Assert.Equal("1", seen[2].RetryAfter);
        Assert.Equal("1", seen[3].RetryAttempt); // the SDK's RetryHandler marks its retries
    }

    /// <summary>Records every request the server answers, outermost in the pipeline.</summary>
    private sealed class RequestLog : IStartupFilter
    {
        public ConcurrentQueue<(string Path, int Status, string RetryAfter, string RetryAttempt)> Entries { get; } = new();

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, following) =>
            {
                await following(context);
                Entries.Enqueue((context.Request.Path.Value ?? "", context.Response.StatusCode,
                    context.Response.Headers.RetryAfter.ToString(), context.Request.Headers["Retry-Attempt"].ToString()));
            });
            next(app);
        };
    }
}
