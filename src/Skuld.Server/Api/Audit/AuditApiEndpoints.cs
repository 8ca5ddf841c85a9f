using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Skuld.Server.Auth;
using Skuld.Server.Graph.Users;
using Skuld.Store;
using Skuld.Store.Audit;

namespace Skuld.Server.Api.Audit;

/// <summary>
/// Native API beyond Entra for the audit trail: tamper evidence (verify the tenant's hash chain), retention
/// and the audited purge, and license history. Errors are ProblemDetails with a stable <c>type</c> and <c>code</c>.
/// </summary>
public static class AuditApiEndpoints
{
    public static void MapAuditApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/audit/verify", VerifyAsync).RequirePermission(Permission.ReadAuditLogs);
        app.MapGet("/api/audit/retention", GetRetentionAsync).RequirePermission(Permission.ReadAuditLogs);
        app.MapPut("/api/audit/retention", SetRetentionAsync).RequirePermission(Permission.ManageTenant);
        app.MapPost("/api/audit/purge", PurgeAsync).RequirePermission(Permission.ManageTenant);
        app.MapGet("/api/users/{id}/licenses", HistoryAsync).RequirePermission(Permission.ReadAuditLogs);
    }

    /// <summary>Seals and verifies the caller's tenant chain: 200 with <c>intact</c> or the first broken link.</summary>
    private static async Task<Ok<ChainReport>> VerifyAsync(Caller caller, SkuldDb db, CancellationToken ct) =>
        TypedResults.Ok(ChainReport.Of(await AuditChain.VerifyAsync(db, caller.TenantId, ct)));

    private static async Task<Ok<RetentionSetting>> GetRetentionAsync(Caller caller, SkuldDb db, CancellationToken ct) =>
        TypedResults.Ok(new RetentionSetting(await AuditRetention.GetAsync(db, caller.TenantId, ct)));

    /// <summary>Sets the retention in days; <c>null</c> keeps everything (the default).</summary>
    private static async Task<Results<Ok<RetentionSetting>, ProblemHttpResult>> SetRetentionAsync(
        Caller caller, SkuldDb db, [FromBody] RetentionSetting setting, CancellationToken ct)
    {
        if (setting.RetentionDays is <= 0)
        {
            return Problem(StatusCodes.Status400BadRequest, "invalid_retention", "retentionDays must be a positive number of days, or null to keep everything.");
        }

        await AuditRetention.SetAsync(db, caller.TenantId, setting.RetentionDays, ct);
        return TypedResults.Ok(setting);
    }

    /// <summary>Deletes events older than the retention; the purge is audited and the chain stays verifiable.</summary>
    private static async Task<Results<Ok<PurgeReport>, ProblemHttpResult>> PurgeAsync(
        Caller caller, SkuldDb db, TimeProvider time, CancellationToken ct) =>
        await AuditRetention.PurgeAsync(db, caller.TenantId, caller.Actor, time, ct) switch
        {
            PurgeResult.Purged p => TypedResults.Ok(new PurgeReport(p.Deleted, p.AnchorSequence, p.AnchorHash, p.PurgeEventId)),
            _ => Problem(StatusCodes.Status409Conflict, "retention_not_set",
                "This tenant keeps every audit event: set a retention (PUT /api/audit/retention) before purging."),
        };

    /// <summary>The user's licenses at <c>at</c> (ISO 8601), reconstructed from <c>Change user license</c> events.</summary>
    private static async Task<Results<Ok<LicenseHistoryAnswer>, ProblemHttpResult>> HistoryAsync(
        string id, [FromQuery] string? at, Caller caller, SkuldDb db, CancellationToken ct)
    {
        if (!DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var when))
        {
            return Problem(StatusCodes.Status400BadRequest, "invalid_time", $"'at' must be an ISO 8601 time, e.g. 2026-01-05T09:00:00Z; got '{at}'.");
        }

        // An object id of a deleted user is still answerable from the trail; an id the tenant never knew (another
        // tenant's user) is not found, like any other object of another tenant.
        Guid userId;
        if (Guid.TryParse(id, out var parsed))
        {
            if (!await LicenseHistory.IsKnownAsync(db, caller.TenantId, parsed, ct))
            {
                return Problem(StatusCodes.Status404NotFound, "user_not_found", $"No user '{id}' in this tenant.");
            }

            userId = parsed;
        }
        else if (await UserLookup.FindAsync(db, caller.TenantId, id, ct) is { } user)
        {
            userId = user.Id;
        }
        else
        {
            return Problem(StatusCodes.Status404NotFound, "user_not_found", $"No user '{id}' in this tenant.");
        }

        return TypedResults.Ok(await LicenseHistory.AtAsync(db, caller.TenantId, userId, when, ct));
    }

    private static ProblemHttpResult Problem(int status, string code, string detail) => TypedResults.Problem(
        detail: detail,
        statusCode: status,
        type: $"urn:skuld:problem:{code}",
        extensions: new Dictionary<string, object?> { ["code"] = code });
}

/// <summary>
/// The verify answer: <c>status</c> <c>intact</c> (with <c>count</c> and the sequence range) or <c>broken</c>
/// (with the first broken <c>sequence</c>, the <c>eventId</c> found there and the <c>reason</c>).
/// </summary>
public sealed record ChainReport(
    string Status, long Count, long? FirstSequence, long? LastSequence, long? Sequence, Guid? EventId, string? Reason)
{
    public static ChainReport Of(ChainVerification verification) => verification switch
    {
        ChainVerification.Intact i => new("intact", i.Count, i.FirstSequence, i.LastSequence, null, null, null),
        ChainVerification.Broken b => new("broken", b.CheckedBefore, null, null, b.Sequence, b.EventId, b.Reason.ToString()),
        _ => throw new ArgumentOutOfRangeException(nameof(verification)),
    };
}

public sealed record RetentionSetting(int? RetentionDays);

public sealed record PurgeReport(long Deleted, long ChainStartsAfterSequence, string? AnchorHash, Guid PurgeEventId);
