using System.Text;
using Microsoft.EntityFrameworkCore;

namespace Skuld.Store.Recipients;

/// <summary>One address of a found recipient, as it shows it (<c>SMTP:Bob@contoso.com</c>).</summary>
public sealed record RecipientAddressView(string Address, bool IsPrimary, bool Quarantined);

/// <summary>
/// One address that matched, with the recipient holding it: id, type, display name and every address of that
/// recipient (its primary first). <see cref="Quarantined"/>: the recipient wanted the address but another holds it
/// (only exact searches return such rows; see <see cref="DuplicateAddresses"/> for all of them).
/// </summary>
public sealed record RecipientMatch(
    string MatchedAddress, bool Quarantined, Guid ObjectId, RecipientType Type, string DisplayName, IReadOnlyList<RecipientAddressView> Addresses);

/// <summary>A page of matches in address-key order; <see cref="SkipToken"/> fetches the next one (null on the last).</summary>
public sealed record RecipientSearchPage(RecipientSearchMode Mode, IReadOnlyList<RecipientMatch> Items, string? SkipToken);

/// <summary>Why a search was refused: a stable <see cref="Code"/> (<c>invalid_pattern</c>, <c>invalid_top</c>, <c>invalid_skip_token</c>) and a message.</summary>
public sealed record RecipientSearchError(string Code, string Message);

/// <summary>The page, or why there is none.</summary>
public sealed record RecipientSearchResult(RecipientSearchPage? Page, RecipientSearchError? Error);

/// <summary>
/// Who holds an address: the query behind <c>GET /api/recipients</c> and <c>skuld recipient find</c>. Every mode is
/// one index range over the tenant's held (unquarantined) addresses, in key order, paged by keyset on the key —
/// unique among held addresses — so a page costs the same at any depth:
/// exact = one probe of the unique index; prefix = its range [prefix, next prefix); domain = the (tenant, domain, key)
/// index; wildcard = the range of the pattern's literal prefix, filtered by the pattern in the database (GLOB on
/// SQLite, LIKE with escapes on PostgreSQL — both compare bytes, as the keys' collation does).
/// Every query repeats <c>NOT quarantined</c>: SQLite only uses a partial index when the query implies its condition.
/// </summary>
public static class RecipientSearch
{
    public const int DefaultTop = 100;
    public const int MaxTop = 1000;

    // Keeps each IN list well under SQLite's and PostgreSQL's parameter limits.
    private const int Chunk = 1000;

    public static async Task<RecipientSearchResult> FindAsync(
        SkuldDb db, Guid tenantId, string? pattern, int? top, string? skipToken, CancellationToken ct)
    {
        if (RecipientPattern.TryParse(pattern, out var invalid) is not { } parsed)
        {
            return Refused("invalid_pattern", invalid);
        }

        if (top is < 1 or > MaxTop)
        {
            return Refused("invalid_top", $"top must be between 1 and {MaxTop}; got {top}.");
        }

        string? after = null;
        if (skipToken is not null && (after = DecodeToken(skipToken)) is null)
        {
            return Refused("invalid_skip_token", "The skip token is not one this search returned.");
        }

        var page = await FindAsync(db, tenantId, parsed, top ?? DefaultTop, after, ct);
        return new RecipientSearchResult(page, null);
    }

    /// <summary>A page of matches of an already parsed pattern after the key <paramref name="after"/>.</summary>
    public static async Task<RecipientSearchPage> FindAsync(
        SkuldDb db, Guid tenantId, RecipientPattern pattern, int top, string? after, CancellationToken ct)
    {
        var held = Matching(db, tenantId, pattern);
        if (after is not null)
        {
            held = held.Where(a => string.Compare(a.AddressKey, after) > 0);
        }

        var rows = await held
            .OrderBy(a => a.AddressKey)
            .Take(top + 1)
            .Select(a => new Row(a.AddressKey, a.Address, a.ObjectId, a.ObjectType, false))
            .ToListAsync(ct);
        var next = rows.Count > top ? EncodeToken(rows[top - 1].Key) : null;
        if (rows.Count > top)
        {
            rows.RemoveRange(top, rows.Count - top);
        }

        if (pattern.Mode == RecipientSearchMode.Exact && after is null)
        {
            // Who else wants the address (kept aside by an import); the quarantine index answers it.
            rows.AddRange(await db.RecipientAddresses.AsNoTracking()
                .Where(a => a.TenantId == tenantId && a.Quarantined && a.AddressKey == pattern.Text)
                .OrderBy(a => a.ObjectId)
                .Select(a => new Row(a.AddressKey, a.Address, a.ObjectId, a.ObjectType, true))
                .ToListAsync(ct));
        }

        var recipients = await DescribeAsync(db, tenantId, rows.Select(r => (r.ObjectId, r.Type)), ct);
        var items = rows.Select(r => new RecipientMatch(r.Address, r.Quarantined, r.ObjectId, r.Type,
            recipients.TryGetValue(r.ObjectId, out var found) ? found.DisplayName : "",
            recipients.TryGetValue(r.ObjectId, out found) ? found.Addresses : [])).ToList();
        return new RecipientSearchPage(pattern.Mode, items, next);
    }

    /// <summary>The held addresses of the tenant that match the pattern, as one index range (see the class remarks).</summary>
    private static IQueryable<RecipientAddress> Matching(SkuldDb db, Guid tenantId, RecipientPattern pattern)
    {
        var held = db.RecipientAddresses.AsNoTracking().Where(a => a.TenantId == tenantId && !a.Quarantined);
        switch (pattern.Mode)
        {
            case RecipientSearchMode.Exact:
                return held.Where(a => a.AddressKey == pattern.Text);
            case RecipientSearchMode.Domain:
                return held.Where(a => a.Domain == pattern.Text);
            case RecipientSearchMode.Prefix:
                return InRange(held, pattern.Text);
            case RecipientSearchMode.Wildcard:
                var range = InRange(held, pattern.Text);
                if (IsPostgres(db))
                {
                    var like = pattern.LikePattern();
                    return range.Where(a => EF.Functions.Like(a.AddressKey, like, "\\"));
                }

                var glob = pattern.GlobPattern();
                return range.Where(a => EF.Functions.Glob(a.AddressKey, glob));
            default:
                throw new ArgumentOutOfRangeException(nameof(pattern), pattern.Mode, null);
        }
    }

    private static IQueryable<RecipientAddress> InRange(IQueryable<RecipientAddress> held, string prefix)
    {
        if (prefix.Length == 0)
        {
            return held;
        }

        var ranged = held.Where(a => string.Compare(a.AddressKey, prefix) >= 0);
        return RecipientPattern.UpperBound(prefix) is { } upper ? ranged.Where(a => string.Compare(a.AddressKey, upper) < 0) : ranged;
    }

    /// <summary>Display name and every address (primary first) of these recipients; a vanished one is left out.</summary>
    internal static async Task<Dictionary<Guid, (string DisplayName, IReadOnlyList<RecipientAddressView> Addresses)>> DescribeAsync(
        SkuldDb db, Guid tenantId, IEnumerable<(Guid ObjectId, RecipientType Type)> recipients, CancellationToken ct)
    {
        var distinct = recipients.Distinct().ToList();
        var names = new Dictionary<Guid, string>();
        var addresses = new Dictionary<Guid, List<RecipientAddressView>>();
        foreach (var chunk in distinct.Select(r => r.ObjectId).Distinct().Chunk(Chunk))
        {
            var rows = await db.RecipientAddresses.AsNoTracking()
                .Where(a => a.TenantId == tenantId && chunk.Contains(a.ObjectId))
                .Select(a => new { a.ObjectId, a.AddressKey, a.Address, a.IsPrimary, a.Quarantined })
                .ToListAsync(ct);
            foreach (var row in rows.OrderByDescending(r => r.IsPrimary).ThenBy(r => r.AddressKey, StringComparer.Ordinal))
            {
                if (!addresses.TryGetValue(row.ObjectId, out var list))
                {
                    addresses[row.ObjectId] = list = [];
                }

                list.Add(new RecipientAddressView(row.Address, row.IsPrimary, row.Quarantined));
            }
        }

        foreach (var type in distinct.GroupBy(r => r.Type))
        {
            foreach (var chunk in type.Select(r => r.ObjectId).Chunk(Chunk))
            {
                var found = type.Key switch
                {
                    RecipientType.User => await db.Users.AsNoTracking().Where(u => u.TenantId == tenantId && chunk.Contains(u.Id))
                        .Select(u => new { u.Id, u.DisplayName }).ToListAsync(ct),
                    RecipientType.Group => await db.Groups.AsNoTracking().Where(g => g.TenantId == tenantId && chunk.Contains(g.Id))
                        .Select(g => new { g.Id, g.DisplayName }).ToListAsync(ct),
                    RecipientType.Contact => await db.OrgContacts.AsNoTracking().Where(c => c.TenantId == tenantId && chunk.Contains(c.Id))
                        .Select(c => new { c.Id, c.DisplayName }).ToListAsync(ct),
                };
                foreach (var row in found)
                {
                    names[row.Id] = row.DisplayName;
                }
            }
        }

        return distinct.Select(r => r.ObjectId).Distinct().ToDictionary(
            id => id,
            id => (names.GetValueOrDefault(id, ""), (IReadOnlyList<RecipientAddressView>)(addresses.TryGetValue(id, out var list) ? list : [])));
    }

    internal static bool IsPostgres(SkuldDb db) => db.Database.ProviderName == "Npgsql.EntityFrameworkCore.PostgreSQL";

    /// <summary>The last key of a page, opaque to clients: base64url of its UTF-8.</summary>
    internal static string EncodeToken(string key) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(key)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    internal static string? DecodeToken(string token)
    {
        if (token.Length is 0 or > 2 * RecipientPattern.MaxLength || token.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
        {
            return null;
        }

        var padded = token.Replace('-', '+').Replace('_', '/') + new string('=', (4 - token.Length % 4) % 4);
        var bytes = new byte[padded.Length];
        if (!Convert.TryFromBase64String(padded, bytes, out var length))
        {
            return null;
        }

        try
        {
            var key = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 0, length);
            return key.Length is > 0 and <= RecipientPattern.MaxLength && !key.Any(char.IsControl) ? key : null;
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    private static RecipientSearchResult Refused(string code, string message) => new(null, new RecipientSearchError(code, message));

    private sealed record Row(string Key, string Address, Guid ObjectId, RecipientType Type, bool Quarantined);
}
