using System.Text.RegularExpressions;

namespace Skuld.Store.Bootstrap;

/// <summary>Syntax of tenant domains and user principal names, as Entra accepts them.</summary>
public static partial class DomainNames
{
    /// <summary>Lower case DNS name of two labels or more, ending in a letters-only top-level label.</summary>
    public static bool IsValidDomain(string domain) =>
        domain.Length <= 253 && DomainPattern().IsMatch(domain);

    /// <summary>
    /// The initial domain Entra gives a new tenant: the first label of its domain under
    /// <c>onmicrosoft.com</c> (<c>contoso.com</c> → <c>contoso.onmicrosoft.com</c>).
    /// </summary>
    public static string InitialDomainFor(string domain) => domain.Split('.')[0] + ".onmicrosoft.com";

    /// <summary>Splits <c>alias@domain</c> when the alias uses only the characters Entra allows in a UPN.</summary>
    public static bool TrySplitUserPrincipalName(string upn, out string alias, out string domain)
    {
        var match = UpnPattern().Match(upn);
        alias = match.Success ? match.Groups["alias"].Value : "";
        domain = match.Success ? match.Groups["domain"].Value : "";
        return match.Success && alias.Length <= 64;
    }

    [GeneratedRegex(@"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")]
    private static partial Regex DomainPattern();

    // Entra: letters, digits and ' . - _ ! # ^ ~ in the alias; no leading, trailing or doubled period.
    [GeneratedRegex(@"^(?<alias>[A-Za-z0-9'\-_!#^~]+(\.[A-Za-z0-9'\-_!#^~]+)*)@(?<domain>[^@]+)$")]
    private static partial Regex UpnPattern();
}
