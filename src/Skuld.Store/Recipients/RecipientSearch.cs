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
        // One connection for the page's few queries, not one open (and SQLite's pragmas) per query.
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            return await PageAsync(db, tenantId, pattern, top, after, ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<RecipientSearchPage> PageAsync(
        SkuldDb db, Guid tenantId, RecipientPattern pattern, int top, string? after, CancellationToken ct)
    {
        List<Row> rows;
        string? next = null;
        if (pattern.Mode == RecipientSearchMode.Exact)
        {
            // The holder from the unique index and, in the same round trip, who else wants the address (kept aside
            // by an import) from the quarantine index; each side repeats its index's condition. At most one page.
            var key = pattern.Text;
            var wanted = after is not null ? [] : await db.RecipientAddresses.AsNoTracking()
                .Where(a => a.TenantId == tenantId && !a.Quarantined && a.AddressKey == key)
                .Select(a => new { a.AddressKey, a.Address, a.ObjectId, a.ObjectType, a.Quarantined })
                .Concat(db.RecipientAddresses.AsNoTracking()
                    .Where(a => a.TenantId == tenantId && a.Quarantined && a.AddressKey == key)
                    .Select(a => new { a.AddressKey, a.Address, a.ObjectId, a.ObjectType, a.Quarantined }))
                .ToListAsync(ct);
            rows = [.. wanted.OrderBy(r => r.Quarantined).ThenBy(r => r.ObjectId).Select(r => new Row(r.AddressKey, r.Address, r.ObjectId, r.ObjectType, r.Quarantined))];
        }
        else
        {
            var held = Matching(db, tenantId, pattern);
            if (after is not null)
            {
                held = held.Where(a => string.Compare(a.AddressKey, after) > 0);
            }

            rows = await held
                .OrderBy(a => a.AddressKey)
                .Take(top + 1)
                .Select(a => new Row(a.AddressKey, a.Address, a.ObjectId, a.ObjectType, false))
                .ToListAsync(ct);
            next = rows.Count > top ? EncodeToken(rows[top - 1].Key) : null;
            if (rows.Count > top)
            {
                rows.RemoveRange(top, rows.Count - top);
            }
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

    /// <summary>Display name and every address (primary first) of these recipients (which have address rows, being found by them).</summary>
    internal static async Task<Dictionary<Guid, (string DisplayName, IReadOnlyList<RecipientAddressView> Addresses)>> DescribeAsync(
        SkuldDb db, Guid tenantId, IEnumerable<(Guid ObjectId, RecipientType Type)> recipients, CancellationToken ct)
    {
        var described = new Dictionary<Guid, (string DisplayName, IReadOnlyList<RecipientAddressView> Addresses)>();
        foreach (var chunk in recipients.Select(r => r.ObjectId).Distinct().Chunk(Chunk))
        {
            // Every address row of these objects (the primary key's range per object) with its owner's name, in one query.
            var rows = await db.RecipientAddresses.AsNoTracking()
                .Where(a => a.TenantId == tenantId && chunk.Contains(a.ObjectId))
                .Select(a => new
                {
                    a.ObjectId, a.AddressKey, a.Address, a.IsPrimary, a.Quarantined,
                    Name = a.ObjectType == RecipientType.User
                        ? db.Users.Where(u => u.TenantId == a.TenantId && u.Id == a.ObjectId).Select(u => u.DisplayName).FirstOrDefault()
                        : a.ObjectType == RecipientType.Group
                            ? db.Groups.Where(g => g.TenantId == a.TenantId && g.Id == a.ObjectId).Select(g => g.DisplayName).FirstOrDefault()
                            : db.OrgContacts.Where(c => c.TenantId == a.TenantId && c.Id == a.ObjectId).Select(c => c.DisplayName).FirstOrDefault(),
                })
                .ToListAsync(ct);
            foreach (var owner in rows.GroupBy(r => r.ObjectId))
            {
                described[owner.Key] = (
                    owner.Select(r => r.Name).FirstOrDefault(n => n is not null) ?? "",
                    [.. owner.OrderByDescending(r => r.IsPrimary).ThenBy(r => r.AddressKey, StringComparer.Ordinal)
                        .Select(r => new RecipientAddressView(r.Address, r.IsPrimary, r.Quarantined))]);
            }
        }

        return described;
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
