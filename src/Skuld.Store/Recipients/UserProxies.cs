using Microsoft.EntityFrameworkCore;
using Skuld.Licensing.Engine;
using Skuld.Store.Directory;
using Skuld.Store.Licensing;

namespace Skuld.Store.Recipients;

/// <summary>The proxy calculation when an admin changes a user's <c>mail</c> or UPN (reference §1.2, §5).</summary>
public static class UserProxies
{
    /// <summary>Whether the user's current licenses give a mailbox (an enabled mail plan from any source).</summary>
    public static async Task<bool> HasMailboxAsync(SkuldDb db, Guid tenantId, Guid userId, CancellationToken ct)
    {
        var rows = await db.LicenseAssignments.AsNoTracking().Where(a => a.TenantId == tenantId && a.UserId == userId).ToListAsync(ct);
        if (rows.Count == 0)
        {
            return false;
        }

        var tenant = await LicenseSnapshots.LoadTenantAsync(db, tenantId, ct);
        return tenant is not null && LicenseEngine.HasMailbox(tenant, rows.Select(LicenseSnapshots.ToState));
    }

    /// <summary>
    /// Recomputes the tracked <paramref name="user"/>'s <c>mail</c> and proxy addresses after <c>mail</c> and/or the
    /// UPN changed (the user holds the new values; the old ones are given). Returns the conflict and changes
    /// nothing when a resulting address belongs to another recipient. The caller saves, then writes the address
    /// rows with <see cref="RecipientAddresses.WriteAsync"/>.
    /// </summary>
    public static async Task<AddressConflict?> RecalculateAsync(
        SkuldDb db, User user, string oldUserPrincipalName, string? oldMail, bool mailChanged, CancellationToken ct)
    {
        var upnChanged = !string.Equals(oldUserPrincipalName, user.UserPrincipalName, StringComparison.Ordinal);
        if (!mailChanged && !upnChanged)
        {
            return null;
        }

        var hasMailbox = await HasMailboxAsync(db, user.TenantId, user.Id, ct);
        var result = new MailAddresses(oldMail, [.. user.ProxyAddresses]);
        if (mailChanged)
        {
            result = ProxyCalculation.MailSet(new MailIdentity(user.UserPrincipalName, oldMail, user.MailNickname, result.ProxyAddresses), user.Mail, hasMailbox);
        }

        if (upnChanged)
        {
            result = ProxyCalculation.UpnChanged(new MailIdentity(user.UserPrincipalName, result.Mail, user.MailNickname, result.ProxyAddresses), hasMailbox);
        }

        if (await RecipientAddresses.FindConflictAsync(db, user.TenantId, user.Id, result.ProxyAddresses, ct) is { } conflict)
        {
            return conflict;
        }

        user.Mail = result.Mail;
        user.ProxyAddresses = [.. result.ProxyAddresses];
        return null;
    }
}
