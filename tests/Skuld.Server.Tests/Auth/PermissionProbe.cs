using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Skuld.Server.Auth;
using Skuld.Server.Tests.Infrastructure;
using Skuld.Store;

namespace Skuld.Server.Tests.Auth;

/// <summary>
/// A second server process on a test server's store, wired with the public auth API only, that maps
/// one endpoint per permission (<c>GET /v1.0/probe/{Permission}</c>) and one needing just a caller
/// (<c>GET /v1.0/probe/caller</c>), answering with what <see cref="Caller"/> it was given.
/// </summary>
internal sealed class PermissionProbe : IAsyncDisposable
{
    private readonly WebApplication _app;

    private PermissionProbe(WebApplication app) => _app = app;

    public static async Task<PermissionProbe> StartAsync(SkuldServer server)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton<TimeProvider>(server.Time);
        builder.Services.AddSkuldStore(server.Store.Location);
        builder.Services.AddSkuldAuth();
        var app = builder.Build();
        app.UseSkuldAuth();
        app.MapSkuldAuth();
        var probe = app.MapGroup("/v1.0/probe");
        probe.MapGet("/caller", Describe).RequireCaller();
        foreach (var permission in Enum.GetValues<Permission>())
        {
            probe.MapGet($"/{permission}", Describe).RequirePermission(permission);
        }

        await app.StartAsync();
        return new PermissionProbe(app);
    }

    /// <summary>A client without a token, e.g. for this process's token endpoint.</summary>
    public HttpClient CreateClient() => _app.GetTestClient();

    public HttpClient CreateClient(string accessToken)
    {
        var client = _app.GetTestClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", accessToken);
        return client;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private static IResult Describe(Caller caller) => Results.Json(new
    {
        caller.TenantId,
        caller.PrincipalId,
        Kind = caller.Kind.ToString(),
        caller.Actor,
        Roles = caller.Roles.Select(r => r.ToString()).Order(),
    });
}
