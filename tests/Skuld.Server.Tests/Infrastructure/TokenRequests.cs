using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Skuld.Server.Tests.Infrastructure;

/// <summary>Calls the token endpoint the way Entra clients do.</summary>
public static class TokenRequests
{
    public const string GraphScope = "https://graph.microsoft.com/.default";

    public static Task<HttpResponseMessage> RequestTokenAsync(this HttpClient client, string tenant, params (string Name, string Value)[] form) =>
        client.PostAsync($"/{tenant}/oauth2/v2.0/token", new FormUrlEncodedContent(form.Select(f => KeyValuePair.Create(f.Name, f.Value))));

    public static Task<HttpResponseMessage> RequestPasswordTokenAsync(this HttpClient client, string tenant, string username, string password) =>
        client.RequestTokenAsync(tenant, ("grant_type", "password"), ("username", username), ("password", password));

    public static Task<HttpResponseMessage> RequestClientTokenAsync(this HttpClient client, string tenant, Guid clientId, string secret) =>
        client.RequestTokenAsync(tenant,
            ("grant_type", "client_credentials"), ("client_id", clientId.ToString()), ("client_secret", secret), ("scope", GraphScope));

    /// <summary>A user's access token; fails the test if the endpoint refuses.</summary>
    public static async Task<string> UserTokenAsync(this HttpClient client, string tenant, string username, string password = TestDirectory.Password) =>
        await AccessTokenAsync(await client.RequestPasswordTokenAsync(tenant, username, password));

    /// <summary>An app's access token by client credentials; fails the test if the endpoint refuses.</summary>
    public static async Task<string> AppTokenAsync(this HttpClient client, string tenant, TestDirectory.App app) =>
        await AccessTokenAsync(await client.RequestClientTokenAsync(tenant, app.Registration.AppId, app.Secret));

    /// <summary>A client whose requests carry the token, for plain HTTP calls to <c>/v1.0</c>.</summary>
    public static HttpClient CreateClient(this SkuldServer server, string accessToken)
    {
        var client = server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }

    private static async Task<string> AccessTokenAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"token endpoint answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()
            ?? throw new InvalidOperationException("No access_token in the token response.");
    }

    /// <summary>The JSON body of a response.</summary>
    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();
}
