using System.Net;
using System.Text;
using Skuld.Server.Tests.Infrastructure;
using Skuld.Testing;

namespace Skuld.Server.Tests.Security;

/// <summary>
/// The token endpoint under malformed and hostile requests: an OAuth error (never a 500), and the store
/// unchanged.
/// </summary>
public sealed class TokenEndpointInputTests(SecurityWorlds worlds) : IClassFixture<SecurityWorlds>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private sealed record Case(string Tenant, Func<HttpContent?> Body, HttpStatusCode Status, string Error, int Aadsts);

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["JSON instead of a form"] = new("contoso.com",
            () => SecurityWorld.Json("""{"grant_type":"password","username":"globaladministrator@contoso.com","password":"x"}"""),
            HttpStatusCode.BadRequest, "invalid_request", 900144),
        ["no body"] = new("contoso.com", () => null, HttpStatusCode.BadRequest, "invalid_request", 900144),
        ["broken multipart form"] = new("contoso.com",
            () => new StringContent("--b\r\nContent-Disposition: form-data; name=\"grant_type\"\r\n\r\npassword", Encoding.UTF8, "multipart/form-data")
            {
                Headers = { ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b") },
            },
            HttpStatusCode.BadRequest, "invalid_request", 900144),
        ["5000 form fields"] = new("contoso.com",
            () => new StringContent(string.Join("&", Enumerable.Range(0, 5000).Select(i => $"f{i}=1")), Encoding.UTF8, "application/x-www-form-urlencoded"),
            HttpStatusCode.BadRequest, "invalid_request", 900144),
        ["5 MB form value"] = new("contoso.com",
            () => new StringContent("grant_type=password&username=" + new string('a', 5 << 20), Encoding.UTF8, "application/x-www-form-urlencoded"),
            HttpStatusCode.BadRequest, "invalid_request", 900144),
        // A form the form reader refuses (here: NUL in a value) counts as no form at all.
        ["NUL in the username"] = new("contoso.com",
            () => Form(("grant_type", "password"), ("username", "a\0b@contoso.com"), ("password", "x")),
            HttpStatusCode.BadRequest, "invalid_request", 900144),
        ["SQL in the username"] = new("contoso.com",
            () => Form(("grant_type", "password"), ("username", "' or 1=1 --"), ("password", "x")),
            HttpStatusCode.BadRequest, "invalid_grant", 50126),
        ["NUL in the client id"] = new("contoso.com",
            () => Form(("grant_type", "client_credentials"), ("client_id", "a\0b"), ("client_secret", "x"), ("scope", TokenRequests.GraphScope)),
            HttpStatusCode.BadRequest, "invalid_request", 900144),
        ["unknown tenant"] = new("nowhere.example",
            () => Form(("grant_type", "password"), ("username", "globaladministrator@contoso.com"), ("password", TestDirectory.Password)),
            HttpStatusCode.BadRequest, "invalid_request", 90002),
        ["tenant id of another cloud"] = new(Guid.Empty.ToString(),
            () => Form(("grant_type", "password"), ("username", "globaladministrator@contoso.com"), ("password", TestDirectory.Password)),
            HttpStatusCode.BadRequest, "invalid_request", 90002),
    };

    public static IEnumerable<TheoryDataRow<StoreKind, string>> Rows() =>
        from kind in Enum.GetValues<StoreKind>()
        from name in Cases.Keys
        select new TheoryDataRow<StoreKind, string>(kind, name);

    [Theory, MemberData(nameof(Rows))]
    public async Task Token_endpoint_answers_bad_requests_with_an_oauth_error(StoreKind kind, string name)
    {
        var world = await worlds.GetAsync(kind);
        var @case = Cases[name];
        var before = await StoreSnapshot.TakeAsync(world.Server);

        var response = await world.Server.CreateClient().PostAsync($"/{@case.Tenant}/oauth2/v2.0/token", @case.Body(), Cancel);

        var text = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(@case.Status == response.StatusCode, $"expected {(int)@case.Status}, got {(int)response.StatusCode}: {text[..Math.Min(text.Length, 600)]}");
        var body = await response.JsonAsync();
        Assert.Equal(@case.Error, body.GetProperty("error").GetString());
        Assert.Equal([@case.Aadsts], body.GetProperty("error_codes").EnumerateArray().Select(c => c.GetInt32()));
        before.AssertUnchangedIn(await StoreSnapshot.TakeAsync(world.Server));
    }

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => KeyValuePair.Create(f.Name, f.Value)));
}
