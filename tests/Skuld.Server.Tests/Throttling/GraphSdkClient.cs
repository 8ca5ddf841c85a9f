using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Graph;
using Microsoft.Kiota.Abstractions.Authentication;

namespace Skuld.Server.Tests.Throttling;

/// <summary>
/// The official Graph SDK client over a test server, with the SDK's default middleware (retry, redirect,
/// …) in front of the in-memory transport, as <c>GraphClientFactory</c> builds it for real Graph.
/// </summary>
internal static class GraphSdkClient
{
    public static GraphServiceClient Create(WebApplicationFactory<Program> factory, string accessToken)
    {
        var http = GraphClientFactory.Create(finalHandler: factory.Server.CreateHandler());
        return new GraphServiceClient(
            http, new BaseBearerTokenAuthenticationProvider(new StaticToken(accessToken)), new Uri(factory.Server.BaseAddress, "v1.0").ToString());
    }

    // The TokenCredential constructors send no token to a plain-http host (SETUP-NOTES); a fixed token does.
    private sealed class StaticToken(string token) : IAccessTokenProvider
    {
        public AllowedHostsValidator AllowedHostsValidator { get; } = new();

        public Task<string> GetAuthorizationTokenAsync(
            Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(token);
    }
}
