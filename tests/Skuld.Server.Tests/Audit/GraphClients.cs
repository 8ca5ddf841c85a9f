using Microsoft.Graph;
using Microsoft.Kiota.Abstractions.Authentication;
using Skuld.Server.Tests.Infrastructure;

namespace Skuld.Server.Tests.Audit;

/// <summary>The official Microsoft.Graph SDK pointed at an in-memory Skuld server (SETUP-NOTES pattern).</summary>
public static class GraphClients
{
    public static GraphServiceClient Graph(this SkuldServer server, string accessToken)
    {
        var http = server.CreateClient();
        return new GraphServiceClient(http,
            new BaseBearerTokenAuthenticationProvider(new StaticToken(accessToken)), new Uri(http.BaseAddress!, "/v1.0").ToString()); // Why '!': the factory's client always has a base address.
    }

    public static async Task<GraphServiceClient> GraphForUserAsync(this SkuldServer server, string tenant, string upn) =>
        server.Graph(await server.CreateClient().UserTokenAsync(tenant, upn));

    public static async Task<GraphServiceClient> GraphForAppAsync(this SkuldServer server, string tenant, TestDirectory.App app) =>
        server.Graph(await server.CreateClient().AppTokenAsync(tenant, app));

    private sealed class StaticToken(string token) : IAccessTokenProvider
    {
        public AllowedHostsValidator AllowedHostsValidator { get; } = new();

        public Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(token);
    }
}
