using Microsoft.EntityFrameworkCore;

namespace Skuld.Store.Recipients;

/// <summary>One recipient that holds (or, quarantined, wants) a duplicated address.</summary>
public sealed record DuplicateHolder(Guid ObjectId, RecipientType Type, string DisplayName, string Address, bool Quarantined);

/// <summary>An address held by more than one recipient: the one that holds it (if any) first, then the quarantined ones.</summary>
public sealed record DuplicateAddress(string AddressKey, IReadOnlyList<DuplicateHolder> Holders);

/// <summary>A page of the report in key order; <see cref="SkipToken"/> fetches the next one (null on the last).</summary>
public sealed record DuplicateReport(IReadOnlyList<DuplicateAddress> Items, string? SkipToken);

/// <summary>
/// The tenant-wide duplicate report: every address that more than one recipient has — a holder and the recipients
/// whose copy was quarantined (an import, or a uniqueness rule that changed), or several quarantined copies with no
/// holder. Quarantined rows are few and have their own partial index, so the report starts from them and probes the
/// unique index for each key's holder; paged by keyset on the key.
/// </summary>
public static class DuplicateAddresses
{
    public const int DefaultTop = 100;
    public const int MaxTop = 1000;

    public static async Task<(DuplicateReport? Report, RecipientSearchError? Error)> ReportAsync(
        SkuldDb db, Guid tenantId, int? top, string? skipToken, CancellationToken ct)
    {
        if (top is < 1 or > MaxTop)
        {
            return (null, new RecipientSearchError("invalid_top", $"top must be between 1 and {MaxTop}; got {top}."));
        }

        string? after = null;
        if (skipToken is not null && (after = RecipientSearch.DecodeToken(skipToken)) is null)
        {
            return (null, new RecipientSearchError("invalid_skip_token", "The skip token is not one this report returned."));
        }

        return (await PageAsync(db, tenantId, top ?? DefaultTop, after, ct), null);
    }

    private static async Task<DuplicateReport> PageAsync(SkuldDb db, Guid tenantId, int top, string? after, CancellationToken ct)
    {
        var quarantined = db.RecipientAddresses.AsNoTracking().Where(q => q.TenantId == tenantId && q.Quarantined);
        if (after is not null)
        {
            quarantined = quarantined.Where(q => string.Compare(q.AddressKey, after) > 0);
        }

        // Two objects or more: the quarantined copies plus the holder, if the key has one.
        var keys = await quarantined
            .GroupBy(q => q.AddressKey)
            .Where(g => g.Count() + db.RecipientAddresses.Count(h => h.TenantId == tenantId && !h.Quarantined && h.AddressKey == g.Key) > 1)
            .OrderBy(g => g.Key)
            .Select(g => g.Key)
            .Take(top + 1)
            .ToListAsync(ct);
        var next = keys.Count > top ? RecipientSearch.EncodeToken(keys[top - 1]) : null;
        if (keys.Count > top)
        {
            keys.RemoveRange(top, keys.Count - top);
        }

        var rows = new List<RecipientAddress>();
        foreach (var chunk in keys.Chunk(500))
        {
            // Both partial indexes, each repeating its condition (SQLite needs that to use them).
            rows.AddRange(await db.RecipientAddresses.AsNoTracking()
                .Where(a => a.TenantId == tenantId && !a.Quarantined && chunk.Contains(a.AddressKey)).ToListAsync(ct));
            rows.AddRange(await db.RecipientAddresses.AsNoTracking()
                .Where(a => a.TenantId == tenantId && a.Quarantined && chunk.Contains(a.AddressKey)).ToListAsync(ct));
        }

        var described = await RecipientSearch.DescribeAsync(db, tenantId, rows.Select(r => (r.ObjectId, r.ObjectType)), ct);
        var items = keys.Select(key => new DuplicateAddress(key, [
            .. rows.Where(r => r.AddressKey == key)
                .OrderBy(r => r.Quarantined)
                .ThenBy(r => described.TryGetValue(r.ObjectId, out var d) ? d.DisplayName : "", StringComparer.OrdinalIgnoreCase)
                .ThenBy(r => r.ObjectId)
                .Select(r => new DuplicateHolder(r.ObjectId, r.ObjectType,
                    described.TryGetValue(r.ObjectId, out var d) ? d.DisplayName : "", r.Address, r.Quarantined)),
        ])).ToList();
        return new DuplicateReport(items, next);
    }
}
