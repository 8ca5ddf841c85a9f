using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Graph.Models;
using Microsoft.Graph.Users.Item.AssignLicense;
using Skuld.Server.Tests.Graph;
using Skuld.Server.Tests.Infrastructure;
using static Skuld.Server.Tests.Graph.GraphTestTenant;

namespace Skuld.Server.Tests.Recipients;

/// <summary>Helpers for the proxy-address tests: Graph calls through the SDK, native calls as the admin app.</summary>
internal static class RecipientKit
{
    public static readonly Guid E3 = GraphTestTenant.Sku("ENTERPRISEPACK");
    public static readonly Guid Ems = GraphTestTenant.Sku("EMS");

    public static Task<Microsoft.Graph.Models.User?> AssignAsync(this GraphTestTenant t, Guid userId, Guid[] add, params Guid[] remove) =>
        t.Graph.Users[userId.ToString()].AssignLicense.PostAsync(new AssignLicensePostRequestBody
        {
            AddLicenses = [.. add.Select(s => new AssignedLicense { SkuId = s, DisabledPlans = [] })],
            RemoveLicenses = [.. remove.Select(r => (Guid?)r)],
        }, cancellationToken: Cancel);

    /// <summary>mail and proxyAddresses as Graph returns them, as comparable text (see <see cref="Addresses"/>).</summary>
    public static async Task<string> AddressesAsync(this GraphTestTenant t, Guid userId)
    {
        var user = await t.Graph.Users[userId.ToString()].GetAsync(r => r.QueryParameters.Select = ["mail", "proxyAddresses"], Cancel);
        return Addresses(user!.Mail, [.. user.ProxyAddresses!]);
    }

    /// <summary>"mail | address, address, …" in Graph's order.</summary>
    public static string Addresses(string? mail, params string[] proxyAddresses) => $"{mail ?? "(null)"} | {string.Join(", ", proxyAddresses)}";

    public static Task<HttpResponseMessage> CreateContactAsync(this HttpClient http, string displayName, string mail, params string[] proxyAddresses) =>
        http.PostAsJsonAsync("/api/contacts", new { displayName, mail, proxyAddresses }, Cancel);

    /// <summary>Creates a contact that must succeed; returns its id.</summary>
    public static async Task<Guid> ContactAsync(this GraphTestTenant t, string displayName, string mail, params string[] proxyAddresses)
    {
        var response = await t.Http().CreateContactAsync(displayName, mail, proxyAddresses);
        var body = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        return Guid.Parse(JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!);
    }

    public static Task<HttpResponseMessage> AddAddressAsync(this HttpClient http, string kind, Guid id, string address) =>
        http.PostAsJsonAsync($"/api/{kind}/{id}/proxyAddresses", new { address }, Cancel);

    /// <summary>Asserts a 409 proxy_address_in_use naming the holder exactly.</summary>
    public static async Task AssertClashAsync(HttpResponseMessage response, Guid holderId, string holderType, string holderName)
    {
        var body = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.StatusCode == HttpStatusCode.Conflict, $"expected 409, got {(int)response.StatusCode}: {body}");
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal("proxy_address_in_use", problem.GetProperty("code").GetString());
        var conflict = problem.GetProperty("conflict");
        Assert.Equal(
            (holderId.ToString("D"), holderType, holderName),
            (conflict.GetProperty("objectId").GetString(), conflict.GetProperty("objectType").GetString(), conflict.GetProperty("displayName").GetString()));
    }

    public static async Task<JsonElement> LicenseErrorsAsync(this GraphTestTenant t, Guid userId)
    {
        var response = await t.Http().GetAsync($"/api/users/{userId}/licenseErrors", Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }
}
