using System.Globalization;
using Skuld.Server.Auth;
using Skuld.Server.Graph;

namespace Skuld.Server.Throttling;

/// <summary>
/// Prices every <c>/v1.0</c> request (<c>x-ms-resource-unit</c>) and, when throttling is enabled, charges
/// it to the caller's (tenant, app) budget, answering 429 <c>TooManyRequests</c> with Graph's headers
/// when the budget cannot pay. Runs after <c>UseSkuldAuth()</c>: a request refused there (401/403) is
/// neither priced nor charged. <c>$batch</c> itself is free: its sub-requests come back through here.
/// </summary>
internal sealed partial class ThrottlingMiddleware(RequestDelegate next, Throttler throttler, ILogger<ThrottlingMiddleware> logger)
{
    public const string ResourceUnitHeader = "x-ms-resource-unit";
    public const string LimitPercentageHeader = "x-ms-throttle-limit-percentage";
    public const string ScopeHeader = "x-ms-throttle-scope";
    public const string InformationHeader = "x-ms-throttle-information";

    // Graph reports the share of the limit in use only above 80 %, and never beyond 1.8 (reference §6).
    private const double ReportFrom = 0.8;
    private const double ReportAtMost = 1.8;

    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments("/v1.0", StringComparison.OrdinalIgnoreCase)
            || context.Request.Path.StartsWithSegments(Graph.Batch.BatchEndpoints.Path, StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }

        var cost = RequestCost.Of(context.Request);
        context.Response.Headers[ResourceUnitHeader] = cost.ResourceUnits.ToString(CultureInfo.InvariantCulture);
        if (!throttler.Options.Enabled || context.TryGetCaller() is not { } caller)
        {
            await next(context);
            return;
        }

        var key = ThrottleKey.For(caller);
        var decision = throttler.TryAcquire(key, cost);
        if (decision.UsedShare > ReportFrom)
        {
            context.Response.Headers[LimitPercentageHeader] =
                Math.Min(decision.UsedShare, ReportAtMost).ToString("0.0#", CultureInfo.InvariantCulture);
        }

        if (decision.Exceeded is not { } limit)
        {
            await next(context);
            return;
        }

        var (scopeLimit, category) = limit switch
        {
            ThrottleLimit.ResourceUnitLimitExceeded => ("ReadWrite", "read"),
            ThrottleLimit.WriteLimitExceeded => ("Write", "write"),
        };
        LogThrottled(logger, key, limit, decision.RetryAfterSeconds);
        context.Response.Headers.RetryAfter = decision.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers[ScopeHeader] = $"Tenant_Application/{scopeLimit}/{key.Identifier:D}/{key.TenantId:D}";
        context.Response.Headers[InformationHeader] = limit.ToString();
        await new GraphError(
            StatusCodes.Status429TooManyRequests,
            "TooManyRequests",
            $"Too many requests from Identifier:{key} under category:throttle.aad.ags.msgraph.{category}. Please try again later.")
            .WriteAsync(context);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Throttled {Identifier}: {Limit}, retry after {RetryAfterSeconds} s")]
    private static partial void LogThrottled(ILogger logger, ThrottleKey identifier, ThrottleLimit limit, int retryAfterSeconds);
}
