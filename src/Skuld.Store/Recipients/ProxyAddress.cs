namespace Skuld.Store.Recipients;

/// <summary>
/// One proxy address, parsed: <c>SMTP:bob@contoso.com</c> is the primary SMTP address, <c>smtp:…</c> a
/// secondary one, any other <c>type:value</c> (<c>SIP:</c>, <c>X500:</c>, …) an address of that type.
/// </summary>
public sealed record ProxyAddress(string Prefix, string Value)
{
    public bool IsSmtp => Prefix.Equals("smtp", StringComparison.OrdinalIgnoreCase);

    /// <summary>Only <c>SMTP:</c> (upper case) marks the primary address.</summary>
    public bool IsPrimary => Prefix == "SMTP";

    /// <summary>The normalised form that uniqueness and search use; see <see cref="RecipientAddress"/>.</summary>
    public string Key => KeyOf(Prefix, Value);

    /// <summary>The lower-cased domain of an SMTP address; null for other types.</summary>
    public string? Domain => IsSmtp && Value.LastIndexOf('@') is var at and > 0 ? Value[(at + 1)..].ToLowerInvariant() : null;

    public override string ToString() => $"{Prefix}:{Value}";

    public static ProxyAddress Primary(string address) => new("SMTP", address);

    public static ProxyAddress Secondary(string address) => new("smtp", address);

    /// <summary>The key of an SMTP address given without prefix (<c>mail</c>, a UPN).</summary>
    public static string SmtpKey(string address) => address.ToLowerInvariant();

    public static string KeyOf(string prefix, string value) =>
        prefix.Equals("smtp", StringComparison.OrdinalIgnoreCase)
            ? value.ToLowerInvariant()
            : $"{prefix.ToLowerInvariant()}:{value.ToLowerInvariant()}";

    /// <summary>
    /// Parses <c>type:value</c>. An SMTP value must look like an address (one <c>@</c>, text on both sides,
    /// no spaces); other types only need a non-empty value. Null when malformed.
    /// </summary>
    public static ProxyAddress? TryParse(string? text)
    {
        if (text is null || text.Length > 1024 || text.IndexOf(':') is not (> 0 and var colon) || colon == text.Length - 1)
        {
            return null;
        }

        var prefix = text[..colon];
        var value = text[(colon + 1)..];
        if (!prefix.All(char.IsAsciiLetterOrDigit) || value.Any(char.IsControl))
        {
            return null;
        }

        if (prefix.Equals("smtp", StringComparison.OrdinalIgnoreCase))
        {
            return IsMailAddress(value) ? new ProxyAddress(prefix == "SMTP" ? "SMTP" : "smtp", value) : null;
        }

        return new ProxyAddress(prefix, value);
    }

    /// <summary>A plain <c>local@domain</c>: one @, both parts non-empty, no white space, a dot in the domain.</summary>
    public static bool IsMailAddress(string value)
    {
        var at = value.IndexOf('@');
        return at > 0 && at == value.LastIndexOf('@') && at < value.Length - 1
            && value.IndexOf('.', at) > at + 1 && !value.EndsWith('.')
            && !value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)) && value.Length <= 320;
    }
}
