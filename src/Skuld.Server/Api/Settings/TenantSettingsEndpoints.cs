using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Skuld.Server.Auth;
using Skuld.Store;
using Skuld.Store.Licensing;
using Skuld.Store.Processing;

namespace Skuld.Server.Api.Settings;

/// <summary>
/// Native API for the caller's tenant settings beyond Entra: nested group licensing (off by default).
/// Changing it is audited and re-evaluates every licensed group. Errors are ProblemDetails with a stable
/// <c>type</c> and <c>code</c>.
/// </summary>
public static class TenantSettingsEndpoints
{
    /// <summary>A settings body is a few bytes; anything longer is not one.</summary>
    private const int MaxBodyBytes = 4096;

    public static void MapTenantSettingsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/tenant/settings", GetAsync).RequirePermission(Permission.ReadDirectory);
        app.MapPatch("/api/tenant/settings", PatchAsync).RequirePermission(Permission.ManageLicensingSettings);
    }

    /// <summary>The tenant's settings: <c>{"nestedGroupLicensing": false}</c>.</summary>
    public sealed record TenantSettings(bool NestedGroupLicensing);

    private static async Task<Ok<TenantSettings>> GetAsync(Caller caller, SkuldDb db, CancellationToken ct) =>
        // The caller's tenant exists: the caller was just read from it.
        TypedResults.Ok(new TenantSettings(await NestedGroupLicensing.GetAsync(db, caller.TenantId, ct) ?? false));

    /// <summary>
    /// Sets <c>nestedGroupLicensing</c> (the only setting so far): 200 with the setting and whether it changed.
    /// A change enqueues the re-evaluation of every licensed group.
    /// </summary>
    private static async Task<Results<Ok<NestedGroupLicensingSetting>, ProblemHttpResult>> PatchAsync(
        HttpContext http, Caller caller, SkuldDb db, TimeProvider time, LicenseWorkSignal signal, CancellationToken ct)
    {
        var (on, problem) = await ReadAsync(http.Request, ct);
        if (on is not { } value)
        {
            return problem!; // ReadAsync returns a problem whenever it returns no value
        }

        var setting = await NestedGroupLicensing.SetAsync(db, caller.TenantId, value, caller.Actor, time, ct)
            ?? throw new InvalidOperationException($"The caller's tenant {caller.TenantId} does not exist.");
        if (setting.Changed)
        {
            signal.Notify();
        }

        return TypedResults.Ok(setting);
    }

    private static async Task<(bool? On, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        var invalidBody = Problem(StatusCodes.Status400BadRequest, "invalid_body",
            "The body must be a JSON object such as {\"nestedGroupLicensing\": true}.");
        using var buffer = new MemoryStream();
        var chunk = new byte[1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return (null, invalidBody);
            }

            buffer.Write(chunk, 0, read);
        }

        // Invalid UTF-8 only throws once a string is materialised, and not as a JsonException: check up front.
        var bytes = buffer.ToArray();
        if (bytes.Length == 0 || !System.Text.Unicode.Utf8.IsValid(bytes))
        {
            return (null, invalidBody);
        }

        try
        {
            using var document = JsonDocument.Parse(bytes);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (null, invalidBody);
            }

            bool? on = null;
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name != "nestedGroupLicensing")
                {
                    return (null, Problem(StatusCodes.Status400BadRequest, "unknown_setting",
                        $"'{property.Name}' is not a tenant setting; the settings are: nestedGroupLicensing."));
                }

                on = property.Value.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    _ => null,
                };
            }

            return on is null
                ? (null, Problem(StatusCodes.Status400BadRequest, "invalid_setting", "nestedGroupLicensing must be true or false."))
                : (on, null);
        }
        catch (JsonException)
        {
            return (null, invalidBody);
        }
    }

    private static ProblemHttpResult Problem(int status, string code, string detail) => TypedResults.Problem(
        detail: detail,
        statusCode: status,
        type: $"urn:skuld:problem:{code}",
        extensions: new Dictionary<string, object?> { ["code"] = code });
}
