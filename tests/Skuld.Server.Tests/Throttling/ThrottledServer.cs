using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Skuld.Server.Tests.Infrastructure;

namespace Skuld.Server.Tests.Throttling;

/// <summary>A test server with throttling switched on by configuration, as an operator would, and helpers for its clients.</summary>
internal static class ThrottledServer
{
    /// <summary>
    /// The server on the same store and clock, with <c>Skuld:Throttling</c> enabled and these budgets.
    /// Budgets and windows are chosen by the tests so refill rates are exact in binary (e.g. 4 per 8 s).
    /// </summary>
    public static WebApplicationFactory<Program> WithThrottling(
        this SkuldServer server, int resourceUnits, double window = 8, int writeUnits = 1000, double writeWindow = 8,
        Action<IWebHostBuilder>? configure = null) =>
        server.WithWebHostBuilder(builder =>
        {
            builder.UseSetting("Skuld:Throttling:Enabled", "true");
            builder.UseSetting("Skuld:Throttling:ResourceUnitsPerWindow", resourceUnits.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Skuld:Throttling:Window", window.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Skuld:Throttling:WriteUnitsPerWindow", writeUnits.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Skuld:Throttling:WriteWindow", writeWindow.ToString(System.Globalization.CultureInfo.InvariantCulture));
            configure?.Invoke(builder);
        });

    public static HttpClient CreateClientWithToken(this WebApplicationFactory<Program> factory, string accessToken)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }

    public static async Task<string> AppTokenAsync(this WebApplicationFactory<Program> factory, string tenant, TestDirectory.App app) =>
        await factory.CreateClient().AppTokenAsync(tenant, app);

    public static string Header(this HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : "";

    public static Task<HttpResponseMessage> CreateUserAsync(this HttpClient client, string userPrincipalName, CancellationToken ct) =>
        client.PostAsJsonAsync("/v1.0/users", new JsonObject
        {
            ["accountEnabled"] = true,
            ["displayName"] = userPrincipalName,
            ["mailNickname"] = userPrincipalName.Split('@')[0],
            ["userPrincipalName"] = userPrincipalName,
            ["passwordProfile"] = new JsonObject { ["password"] = "Str0ng!Passw0rd" },
        }, ct);
}
