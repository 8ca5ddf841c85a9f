using System.Collections.Immutable;

namespace Skuld.Store.Recipients;

/// <summary>What the proxy calculation reads of a recipient.</summary>
public sealed record MailIdentity(string UserPrincipalName, string? Mail, string? MailNickname, IReadOnlyList<string> ProxyAddresses);

/// <summary>What it writes: <c>mail</c> (the primary SMTP address without prefix) and the proxy addresses in order.</summary>
public sealed record MailAddresses(string? Mail, ImmutableArray<string> ProxyAddresses);

/// <summary>
/// Entra's proxy calculation ("ProxyCalc", reference §5), pure. The store applies its results with
/// <see cref="RecipientAddresses"/>; every rule is tested on both databases.
/// </summary>
/// <remarks>
/// Choices where the reference is silent: a UPN change of a user with a mailbox adds the new UPN as a
/// secondary address and keeps the old ones (the primary does not move); clearing <c>mail</c> removes the
/// primary address of a user without a mailbox, and makes the UPN primary again for a user with one;
/// setting <c>mail</c> demotes the old primary to a secondary address.
/// </remarks>
public static class ProxyCalculation
{
    /// <summary>The MOERA's alias: the mail nickname, else the UPN's local part.</summary>
    public static string Alias(MailIdentity user) =>
        string.IsNullOrWhiteSpace(user.MailNickname) ? user.UserPrincipalName.Split('@')[0] : user.MailNickname;

    /// <summary>
    /// The initial-domain address (<c>alias@contoso.onmicrosoft.com</c>); <paramref name="variant"/> gives the
    /// four-digit form Entra uses when the plain one is taken (<c>alias1234@…</c>).
    /// </summary>
    public static string Moera(MailIdentity user, string initialDomain, int? variant = null) =>
        variant is { } digits ? $"{Alias(user)}{digits:D4}@{initialDomain}" : $"{Alias(user)}@{initialDomain}";

    /// <summary>
    /// A mail plan was licensed: without <c>mail</c> the UPN becomes the primary address and <c>mail</c>;
    /// with it, <c>mail</c> stays primary and the UPN is added; the initial-domain address is added either way.
    /// </summary>
    public static MailAddresses Licensed(MailIdentity user, string moera)
    {
        var list = Parse(user.ProxyAddresses);
        if (list.FindIndex(p => p.IsPrimary) < 0)
        {
            SetPrimary(list, user.Mail ?? user.UserPrincipalName);
        }

        AddSecondary(list, user.UserPrincipalName);
        AddSecondary(list, moera);
        return Result(list);
    }

    /// <summary>
    /// The last mail plan went: the UPN's address is removed; when it was the primary, the initial-domain
    /// address becomes primary, and <c>mail</c> follows the primary.
    /// </summary>
    public static MailAddresses Unlicensed(MailIdentity user, string initialDomain)
    {
        var list = Parse(user.ProxyAddresses);
        var upnKey = ProxyAddress.SmtpKey(user.UserPrincipalName);
        var wasPrimary = list.Any(p => p.IsPrimary && p.Key == upnKey);
        list.RemoveAll(p => p.IsSmtp && p.Key == upnKey);
        if (wasPrimary)
        {
            var next = list.FirstOrDefault(p => p.IsSmtp && string.Equals(p.Domain, initialDomain, StringComparison.OrdinalIgnoreCase)) ?? list.FirstOrDefault(p => p.IsSmtp);
            if (next is not null)
            {
                SetPrimary(list, next.Value);
            }
        }

        return Result(list);
    }

    /// <summary><c>mail</c> was set (or cleared): it becomes the primary address.</summary>
    public static MailAddresses MailSet(MailIdentity user, string? mail, bool hasMailbox)
    {
        var list = Parse(user.ProxyAddresses);
        if (mail is not null)
        {
            SetPrimary(list, mail);
        }
        else if (hasMailbox)
        {
            SetPrimary(list, user.UserPrincipalName);
        }
        else
        {
            list.RemoveAll(p => p.IsPrimary);
        }

        return Result(list);
    }

    /// <summary>The UPN changed (<paramref name="user"/> has the new one): a user with a mailbox always has the UPN as an address.</summary>
    public static MailAddresses UpnChanged(MailIdentity user, bool hasMailbox)
    {
        var list = Parse(user.ProxyAddresses);
        if (hasMailbox)
        {
            AddSecondary(list, user.UserPrincipalName);
        }

        return Result(list);
    }

    /// <summary>An admin adds an address; <c>SMTP:</c> makes it the primary (the old primary stays as a secondary).</summary>
    public static MailAddresses Added(IReadOnlyList<string> current, ProxyAddress address)
    {
        var list = Parse(current);
        if (address.IsPrimary)
        {
            SetPrimary(list, address.Value);
        }
        else
        {
            var at = list.FindIndex(p => p.Key == address.Key);
            if (at < 0)
            {
                list.Add(address);
            }
        }

        return Result(list);
    }

    /// <summary>An admin removes an address (any prefix case); the primary cannot be removed this way.</summary>
    public static MailAddresses Removed(IReadOnlyList<string> current, ProxyAddress address)
    {
        var list = Parse(current);
        list.RemoveAll(p => p.Key == address.Key && !p.IsPrimary);
        return Result(list);
    }

    private static List<ProxyAddress> Parse(IReadOnlyList<string> addresses) =>
        [.. addresses.Select(ProxyAddress.TryParse).OfType<ProxyAddress>()];

    // The primary goes first; an existing entry for the same address is replaced, the old primary demoted.
    private static void SetPrimary(List<ProxyAddress> list, string address)
    {
        var key = ProxyAddress.SmtpKey(address);
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i].IsPrimary)
            {
                list[i] = ProxyAddress.Secondary(list[i].Value);
            }
        }

        list.RemoveAll(p => p.IsSmtp && p.Key == key);
        list.Insert(0, ProxyAddress.Primary(address));
    }

    private static void AddSecondary(List<ProxyAddress> list, string address)
    {
        var key = ProxyAddress.SmtpKey(address);
        if (!list.Any(p => p.IsSmtp && p.Key == key))
        {
            list.Add(ProxyAddress.Secondary(address));
        }
    }

    private static MailAddresses Result(List<ProxyAddress> list) =>
        new(list.FirstOrDefault(p => p.IsPrimary)?.Value, [.. list.Select(p => p.ToString())]);
}
