using System.Text;

namespace Skuld.Store.Recipients;

/// <summary>How a recipient search matches addresses; each mode maps onto one index of <see cref="RecipientAddress"/>.</summary>
public enum RecipientSearchMode
{
    /// <summary><c>bob@contoso.com</c>, <c>SMTP:bob@contoso.com</c>, <c>sip:bob@contoso.com</c>: the unique index, one probe.</summary>
    Exact,
    /// <summary><c>bob*</c>: a range of the unique index.</summary>
    Prefix,
    /// <summary><c>@contoso.com</c> or <c>*@contoso.com</c>: the (tenant, domain, key) index.</summary>
    Domain,
    /// <summary><c>b*b@contoso.*</c>, <c>?</c> for one character: the range of the literal prefix, filtered by the pattern.</summary>
    Wildcard,
}

/// <summary>
/// A parsed recipient search: what the user typed, turned into the address-key space (<see cref="ProxyAddress.KeyOf"/>)
/// and a mode. <see cref="Text"/> is the exact key (Exact), the key prefix (Prefix, Wildcard's literal prefix) or
/// the domain (Domain); <see cref="Pattern"/> is the whole lower-cased pattern for Wildcard, with <c>*</c> and
/// <c>?</c> as its only special characters (every other character, <c>%</c> and <c>_</c> included, is literal).
/// </summary>
public sealed record RecipientPattern(RecipientSearchMode Mode, string Text, string? Pattern)
{
    public const int MaxLength = 1024;
    /// <summary>More stars than this are refused: matching cost grows with their number.</summary>
    public const int MaxWildcards = 8;

    /// <summary>Parses a search; <paramref name="error"/> says what is wrong when it returns null.</summary>
    public static RecipientPattern? TryParse(string? input, out string error)
    {
        error = "";
        var text = input?.Trim() ?? "";
        if (text.Length == 0)
        {
            error = "The address or pattern is empty: give an address (bob@contoso.com), a prefix (bob*), a domain (@contoso.com) or a pattern (b*b@contoso.*).";
            return null;
        }

        if (text.Length > MaxLength)
        {
            error = $"The address or pattern is longer than {MaxLength} characters.";
            return null;
        }

        if (text.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            error = "The address or pattern contains white space or a control character; addresses have none.";
            return null;
        }

        if (!IsWellFormed(text))
        {
            error = "The address or pattern is not valid text (a broken surrogate pair).";
            return null;
        }

        // SMTP keys carry no prefix, so "SMTP:bob@…" and "smtp:bob@…" search for "bob@…"; any other type keeps
        // its prefix in the key ("sip:bob@…"), which is the input lower-cased.
        var colon = text.IndexOf(':');
        if (colon == 4 && text.StartsWith("smtp:", StringComparison.OrdinalIgnoreCase))
        {
            text = text[5..];
            if (text.Length == 0)
            {
                error = "Nothing follows 'smtp:'.";
                return null;
            }
        }

        var key = text.ToLowerInvariant();
        var stars = key.Count(c => c == '*');
        if (stars > MaxWildcards)
        {
            error = $"The pattern has more than {MaxWildcards} '*' wildcards.";
            return null;
        }

        // "@contoso.com" and "*@contoso.com": every address of one domain.
        var domainStart = key.StartsWith('@') ? 1 : key.StartsWith("*@", StringComparison.Ordinal) ? 2 : -1;
        if (domainStart > 0)
        {
            var domain = key[domainStart..];
            if (domain.Length == 0 || domain.Contains('@', StringComparison.Ordinal))
            {
                error = $"'{input?.Trim()}' is not a domain search: use @contoso.com or *@contoso.com.";
                return null;
            }

            if (!HasWildcard(domain))
            {
                return new RecipientPattern(RecipientSearchMode.Domain, domain, null);
            }

            key = "*@" + domain;
        }

        if (!HasWildcard(key))
        {
            return new RecipientPattern(RecipientSearchMode.Exact, key, null);
        }

        var firstWildcard = key.IndexOfAny(['*', '?']);
        var literal = key[..firstWildcard];
        if (firstWildcard == key.Length - 1 && key[^1] == '*')
        {
            return new RecipientPattern(RecipientSearchMode.Prefix, literal, null);
        }

        return new RecipientPattern(RecipientSearchMode.Wildcard, literal, key);
    }

    private static bool IsWellFormed(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static bool HasWildcard(string text) => text.IndexOfAny(['*', '?']) >= 0;

    /// <summary>
    /// The least string greater than every string that starts with <paramref name="prefix"/>, in code-point order
    /// (SQLite's BINARY and PostgreSQL's "C" collations compare UTF-8 bytes, which is the same order): the last code
    /// point plus one. Null when there is none (an empty prefix, or only U+10FFFF): the range is then open above.
    /// </summary>
    public static string? UpperBound(string prefix)
    {
        var runes = prefix.EnumerateRunes().ToList();
        while (runes.Count > 0)
        {
            var last = runes[^1].Value;
            runes.RemoveAt(runes.Count - 1);
            if (last < 0x10FFFF)
            {
                var next = last + 1 == 0xD800 ? 0xE000 : last + 1;
                var text = new StringBuilder();
                foreach (var rune in runes)
                {
                    text.Append(rune.ToString());
                }

                return text.Append(new Rune(next).ToString()).ToString();
            }
        }

        return null;
    }

    /// <summary>The pattern for SQLite's GLOB: <c>*</c> and <c>?</c> as they are, <c>[</c> made literal as <c>[[]</c>.</summary>
    public string GlobPattern() => (Pattern ?? "").Replace("[", "[[]", StringComparison.Ordinal);

    /// <summary>The pattern for PostgreSQL's LIKE with <c>\</c> as escape: <c>%</c>, <c>_</c> and <c>\</c> made literal, then <c>*</c> → <c>%</c>, <c>?</c> → <c>_</c>.</summary>
    public string LikePattern()
    {
        var like = new StringBuilder();
        foreach (var c in Pattern ?? "")
        {
            like.Append(c switch
            {
                '\\' or '%' or '_' => "\\" + c,
                '*' => "%",
                '?' => "_",
                _ => c.ToString(),
            });
        }

        return like.ToString();
    }
}
