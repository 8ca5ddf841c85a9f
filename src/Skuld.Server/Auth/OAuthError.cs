using System.Globalization;
using System.Text.Json;

namespace Skuld.Server.Auth;

/// <summary>
/// The token endpoint's errors in Entra's OAuth 2.0 shape:
/// <c>{"error","error_description":"AADSTS…: …","error_codes":[…],"timestamp","trace_id","correlation_id"}</c>.
/// Codes and texts are Entra's, so scripts that match on AADSTS numbers behave the same.
/// </summary>
internal sealed class OAuthError(int statusCode, string error, int aadsts, string description) : IResult
{
    public int StatusCode { get; } = statusCode;
    public string Error { get; } = error;
    public int Aadsts { get; } = aadsts;

    public static OAuthError MissingParameter(string name) => new(
        StatusCodes.Status400BadRequest, "invalid_request", 900144,
        $"The request body must contain the following parameter: '{name}'.");

    public static OAuthError UnsupportedGrantType(string grantType) => new(
        StatusCodes.Status400BadRequest, "unsupported_grant_type", 70003,
        $"The app requested an unsupported grant type '{grantType}'.");

    public static OAuthError TenantNotFound(string tenant) => new(
        StatusCodes.Status400BadRequest, "invalid_request", 90002,
        $"Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. "
        + "Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.");

    // Entra answers an unknown client id with "unauthorized_client", not "invalid_client".
    public static OAuthError ApplicationNotFound(string clientId, string tenant) => new(
        StatusCodes.Status400BadRequest, "unauthorized_client", 700016,
        $"Application with identifier '{clientId}' was not found in the directory '{tenant}'. This can happen if the application "
        + "has not been installed by the administrator of the tenant or consented to by any user in the tenant. "
        + "You may have sent your authentication request to the wrong tenant.");

    public static OAuthError MissingClientSecret() => new(
        StatusCodes.Status401Unauthorized, "invalid_client", 7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");

    public static OAuthError InvalidClientSecret(string clientId) => new(
        StatusCodes.Status401Unauthorized, "invalid_client", 7000215,
        "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, "
        + $"not the client secret ID, for a secret added to app '{clientId}'.");

    public static OAuthError InvalidScope(string scope) => new(
        StatusCodes.Status400BadRequest, "invalid_scope", 1002012,
        $"The provided value for scope {scope} is not valid. Client credential flows must have a scope value with "
        + "/.default suffixed to the resource identifier (application ID URI).");

    public static OAuthError InvalidUsernameOrPassword() => new(
        StatusCodes.Status400BadRequest, "invalid_grant", 50126,
        "Error validating credentials due to invalid username or password.");

    public static OAuthError AccountDisabled() => new(
        StatusCodes.Status400BadRequest, "invalid_grant", 50057,
        "The user account is disabled.");

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var time = httpContext.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System;
        var timestamp = time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var traceId = Guid.NewGuid().ToString();
        // Entra echoes the client's client-request-id as the correlation id.
        var correlationId = Guid.TryParse(httpContext.Request.Headers["client-request-id"], out var given)
            ? given.ToString()
            : Guid.NewGuid().ToString();
        var body = new Dictionary<string, object>
        {
            ["error"] = Error,
            ["error_description"] = $"AADSTS{Aadsts}: {description} Trace ID: {traceId} Correlation ID: {correlationId} Timestamp: {timestamp}",
            ["error_codes"] = new[] { Aadsts },
            ["timestamp"] = timestamp,
            ["trace_id"] = traceId,
            ["correlation_id"] = correlationId,
        };
        httpContext.Response.StatusCode = StatusCode;
        httpContext.Response.Headers.CacheControl = "no-store";
        httpContext.Response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(httpContext.Response.Body, body, cancellationToken: httpContext.RequestAborted);
    }
}
