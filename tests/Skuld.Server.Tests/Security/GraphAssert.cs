using System.Net;
using System.Text.Json;

namespace Skuld.Server.Tests.Security;

public static class GraphAssert
{
    public const string Forbidden = "Insufficient privileges to complete the operation.";

    public static string NotFound(string id) =>
        $"Resource '{id}' does not exist or one of its queried reference-property objects are not present.";

    /// <summary>
    /// The response is Graph's error envelope with exactly this status, code and message (or, when
    /// <paramref name="messagePrefix"/> is set, a message starting with it: for texts that come from the OData parser).
    /// </summary>
    public static async Task ErrorAsync(
        HttpResponseMessage response, HttpStatusCode status, string code, string message, bool messagePrefix = false)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status} {code}, got {(int)response.StatusCode}: {Shorten(text)}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = JsonDocument.Parse(text).RootElement.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        var actual = error.GetProperty("message").GetString()!;
        if (messagePrefix)
        {
            Assert.StartsWith(message, actual, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(message, actual);
        }

        var inner = error.GetProperty("innerError");
        Assert.True(Guid.TryParse(inner.GetProperty("request-id").GetString(), out _));
        Assert.NotEmpty(inner.GetProperty("date").GetString()!);
    }

    /// <summary>A success with exactly this status (the body is shown when it is not).</summary>
    public static async Task StatusAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        if (response.StatusCode != status)
        {
            Assert.Fail($"expected {(int)status}, got {(int)response.StatusCode}: {Shorten(await response.Content.ReadAsStringAsync())}");
        }
    }

    private static string Shorten(string text) => text.Length <= 600 ? text : text[..600] + "…";
}
