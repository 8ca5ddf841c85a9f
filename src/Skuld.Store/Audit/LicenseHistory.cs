using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;

namespace Skuld.Store.Audit;

/// <summary>One license a user held, as the audit trail recorded it.</summary>
public sealed record HeldLicense(Guid SkuId, string SkuPartNumber, IReadOnlyList<Guid> DisabledPlans);

/// <summary>
/// The user's licenses at <paramref name="At"/>: those set by the last successful <c>Change user license</c>
/// event at or before it (<paramref name="AsOfEventId"/>, <paramref name="AsOf"/>), or none when there was
/// no such event (or it was purged: <paramref name="TrailStartsAfter"/> says where the kept trail begins).
/// </summary>
public sealed record LicenseHistoryAnswer(
    Guid UserId,
    DateTimeOffset At,
    IReadOnlyList<HeldLicense> Licenses,
    Guid? AsOfEventId,
    DateTimeOffset? AsOf,
    DateTimeOffset? TrailStartsAfter);

/// <summary>Answers "which licenses did this user hold at time T" from the audit trail.</summary>
public static partial class LicenseHistory
{
    private const string ChangeUserLicense = "Change user license";

    /// <summary>
    /// Whether the tenant has a trail for this id: the user exists, or an audit event of the tenant names it as a
    /// target (a deleted user's history stays answerable). Another tenant's user has neither.
    /// </summary>
    public static async Task<bool> IsKnownAsync(SkuldDb db, Guid tenantId, Guid userId, CancellationToken ct) =>
        await db.Users.AnyAsync(u => u.TenantId == tenantId && u.Id == userId, ct)
        || await db.AuditEvents.AnyAsync(e => e.TenantId == tenantId && e.TargetId == userId, ct)
        || await db.Set<AuditEventTarget>().AnyAsync(t => t.TenantId == tenantId && t.TargetId == userId, ct);

    public static async Task<LicenseHistoryAnswer> AtAsync(SkuldDb db, Guid tenantId, Guid userId, DateTimeOffset at, CancellationToken ct)
    {
        // The user is one of the event's targets (indexed columns); the JSON below holds the licenses.
        var candidates = await db.AuditEvents.AsNoTracking()
            .Where(e => e.TenantId == tenantId && e.ActivityDisplayName == ChangeUserLicense && e.Result == "success"
                && e.ActivityDateTime <= at)
            .Where(AuditEvent.Names(userId))
            .OrderByDescending(e => e.ActivityDateTime).ThenByDescending(e => e.Id)
            .Take(20)
            .ToListAsync(ct);
        var trailStart = await db.Set<AuditChainState>().AsNoTracking()
            .Where(s => s.TenantId == tenantId && s.AnchorSequence > 0)
            .Select(s => (long?)s.AnchorSequence)
            .FirstOrDefaultAsync(ct) is not null
            ? await db.AuditEvents.Where(e => e.TenantId == tenantId).MinAsync(e => (DateTimeOffset?)e.ActivityDateTime, ct)
            : null;
        foreach (var e in candidates)
        {
            if (NewLicenses(e.TargetResources, userId) is { } licenses)
            {
                return new LicenseHistoryAnswer(userId, at, licenses, e.Id, e.ActivityDateTime, trailStart);
            }
        }

        return new LicenseHistoryAnswer(userId, at, [], null, null, trailStart);
    }

    /// <summary>The AssignedLicense newValue for the user in a targetResources array, or null when absent.</summary>
    internal static IReadOnlyList<HeldLicense>? NewLicenses(string targetResources, Guid userId)
    {
        using var doc = JsonDocument.Parse(targetResources);
        foreach (var target in doc.RootElement.EnumerateArray())
        {
            if (!target.TryGetProperty("id", out var id) || !id.TryGetGuid(out var targetId) || targetId != userId
                || !target.TryGetProperty("modifiedProperties", out var properties))
            {
                continue;
            }

            foreach (var property in properties.EnumerateArray())
            {
                if (property.GetProperty("displayName").GetString() == "AssignedLicense"
                    && property.GetProperty("newValue").GetString() is { } newValue)
                {
                    return ParseLicenses(newValue);
                }
            }
        }

        return null;
    }

    // Entra's format (LicenseAuditTrail): a JSON array of "[SkuName=…, AccountId=…, SkuId=…, DisabledPlans=[…]]".
    internal static IReadOnlyList<HeldLicense> ParseLicenses(string newValue) =>
        (JsonSerializer.Deserialize<string[]>(newValue) ?? [])
            .Select(text => LicenseText().Match(text))
            .Where(m => m.Success)
            .Select(m => new HeldLicense(
                Guid.Parse(m.Groups["sku"].Value),
                m.Groups["name"].Value,
                [.. m.Groups["disabled"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Guid.Parse)]))
            .ToList();

    [GeneratedRegex(@"^\[SkuName=(?<name>[^,]*), AccountId=[^,]*, SkuId=(?<sku>[0-9a-fA-F-]{36}), DisabledPlans=\[(?<disabled>[^\]]*)\]\]$")]
    private static partial Regex LicenseText();
}
