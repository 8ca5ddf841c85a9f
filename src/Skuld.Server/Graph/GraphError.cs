using System.Text.Json;

namespace Skuld.Server.Graph;

/// <summary>
/// Graph's error envelope: <c>{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}</c>.
/// Every Graph endpoint answers errors through this, never with ProblemDetails.
/// </summary>
public sealed class GraphError(int statusCode, string code, string message) : IResult
{
    public int StatusCode { get; } = statusCode;
    public string Code { get; } = code;
    public string Message { get; } = message;

    public static GraphError BadRequest(string message) => new(StatusCodes.Status400BadRequest, "Request_BadRequest", message);

    public static GraphError NotFound(string id) => new(
        StatusCodes.Status404NotFound,
        "Request_ResourceNotFound",
        $"Resource '{id}' does not exist or one of its queried reference-property objects are not present.");

    public static GraphError Forbidden() => new(
        StatusCodes.Status403Forbidden, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");

    /// <summary>An app-only token has no signed-in user, so no <c>/me</c> (Graph's answer, on every /me path).</summary>
    public static GraphError MeNeedsDelegatedCaller() => new(
        StatusCodes.Status400BadRequest, "BadRequest", "/me request is only valid with delegated authentication flow.");

    public static GraphError Unauthorized(string message) => new(StatusCodes.Status401Unauthorized, "InvalidAuthenticationToken", message);

    public static GraphError UnsupportedQuery(string message = "Unsupported Query.") =>
        new(StatusCodes.Status400BadRequest, "Request_UnsupportedQuery", message);

    public Task ExecuteAsync(HttpContext httpContext) => WriteAsync(httpContext);

    public async Task WriteAsync(HttpContext context)
    {
        var time = context.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System;
        var requestId = context.TraceIdentifier;
        var clientRequestId = context.Request.Headers["client-request-id"].FirstOrDefault() ?? requestId;
        context.Response.StatusCode = StatusCode;
        context.Response.ContentType = "application/json";
        context.Response.Headers["request-id"] = requestId;
        context.Response.Headers["client-request-id"] = clientRequestId;
        var body = new
        {
            error = new
            {
                code = Code,
                message = Message,
                innerError = new Dictionary<string, string>
                {
                    ["date"] = time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
                    ["request-id"] = requestId,
                    ["client-request-id"] = clientRequestId,
                },
            },
        };
        await JsonSerializer.SerializeAsync(context.Response.Body, body, cancellationToken: context.RequestAborted);
    }
}
