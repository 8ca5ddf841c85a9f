using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Skuld.Server.Auth;
using Skuld.Store;
using Skuld.Store.Directory;
using Skuld.Store.Processing;

namespace Skuld.Server.Graph.Groups;

/// <summary>
/// Native API for what Graph has no endpoint for: reprocessing a whole group (the portal's "Reprocess").
/// Errors are ProblemDetails with a stable <c>type</c> and <c>code</c>.
/// </summary>
public static class GroupsApiEndpoints
{
    public static void MapGroupsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/groups/{id}/reprocess", ReprocessAsync).RequirePermission(Permission.ManageGroupLicenses);
    }

    /// <summary>Queues every member of the group for re-evaluation against its licenses; 202 with the group's processing state.</summary>
    private static async Task<IResult> ReprocessAsync(
        string id, HttpContext http, SkuldDb db, TimeProvider time, LicenseWorkSignal signal, CancellationToken ct)
    {
        var caller = http.GetCaller();
        if (!Guid.TryParse(id, out var groupId))
        {
            return Problem(StatusCodes.Status400BadRequest, "invalid_id", $"'{id}' is not a group id.");
        }

        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var found = await db.Groups
            .Where(g => g.TenantId == caller.TenantId && g.Id == groupId)
            .ExecuteUpdateAsync(s => s
                .SetProperty(g => g.Version, g => g.Version + 1)
                .SetProperty(g => g.LicenseProcessingState, LicenseProcessingState.QueuedForProcessing), ct);
        if (found == 0)
        {
            return Problem(StatusCodes.Status404NotFound, "group_not_found", $"No group '{id}' in this tenant.");
        }

        LicenseWork.EnqueueGroup(db, caller.TenantId, groupId, caller.Actor, Guid.NewGuid(), now);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        signal.Notify();
        return TypedResults.Accepted(
            $"/api/groups/{GraphJson.Id(groupId)}",
            new ReprocessAccepted(GraphJson.Id(groupId), nameof(LicenseProcessingState.QueuedForProcessing)));
    }

    /// <summary>The answer to a reprocess request: the group and its licenseProcessingState.</summary>
    public sealed record ReprocessAccepted(string GroupId, string LicenseProcessingState);

    private static ProblemHttpResult Problem(int status, string code, string detail) => TypedResults.Problem(
        detail: detail,
        statusCode: status,
        type: $"urn:skuld:problem:{code}",
        extensions: new Dictionary<string, object?> { ["code"] = code });
}
