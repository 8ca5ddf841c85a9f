using Microsoft.EntityFrameworkCore;
using Skuld.Store.Directory;

namespace Skuld.Store.Recipients;

/// <summary>
/// The proxy calculation where licenses change (direct assignment and group processing), set-based for a
/// whole batch of users: before the engine runs, <see cref="ClashingUsersAsync"/> says whose UPN another
/// recipient already holds (licensing them for mail fails with UniquenessViolation); after the rows are
/// written, <see cref="ApplyAsync"/> recomputes the addresses of the users whose mailbox status changed.
/// </summary>
public static class MailboxProxies
{
    /// <summary>How many four-digit variants of a taken initial-domain address are tried (reference §5).</summary>
    private const int Variants = 8;

    /// <summary>The users whose UPN is an address another recipient holds, with that recipient (named in a query per type).</summary>
    public static async Task<Dictionary<Guid, AddressConflict>> ClashingUsersAsync(
        SkuldDb db, Guid tenantId, IReadOnlyCollection<(Guid UserId, string UserPrincipalName)> users, CancellationToken ct)
    {
        var holders = await RecipientAddresses.HoldersAsync(db, tenantId, users.Select(u => ProxyAddress.SmtpKey(u.UserPrincipalName)), ct);
        var clashes = users
            .Select(u => (u.UserId, u.UserPrincipalName, Found: holders.TryGetValue(ProxyAddress.SmtpKey(u.UserPrincipalName), out var h), Holder: h))
            .Where(u => u.Found && u.Holder.ObjectId != u.UserId)
            .ToList();
        var result = new Dictionary<Guid, AddressConflict>(clashes.Count);
        if (clashes.Count == 0)
        {
            return result;
        }

        var names = await RecipientAddresses.NamesAsync(db, tenantId, clashes.Select(c => c.Holder), ct);
        foreach (var clash in clashes)
        {
            result[clash.UserId] = new AddressConflict(clash.UserPrincipalName,
                new RecipientRef(clash.Holder.ObjectId, clash.Holder.Type, names.GetValueOrDefault(clash.Holder.ObjectId, "")));
        }

        return result;
    }

    /// <summary>The recipient holding the user's UPN as an address, named; null when none (or the user itself).</summary>
    public static Task<AddressConflict?> UpnConflictAsync(SkuldDb db, Guid tenantId, Guid userId, string userPrincipalName, CancellationToken ct) =>
        RecipientAddresses.FindConflictAsync(db, tenantId, userId, [ProxyAddress.Primary(userPrincipalName).ToString()], ct);

    /// <summary>
    /// Step "proxy addresses" of a license write: for the users whose mailbox status changed (gained their
    /// first mail plan, or lost their last), computes mail and proxyAddresses (<see cref="ProxyCalculation"/>)
    /// and writes them and the address rows in a few statements. A taken initial-domain address is replaced by
    /// a four-digit variant; a clash the caller did not foresee (a race) throws the unique violation.
    /// </summary>
    public static async Task ApplyAsync(SkuldDb db, Guid tenantId, IReadOnlyCollection<(Guid UserId, bool HasMailbox)> changed, CancellationToken ct)
    {
        if (changed.Count == 0)
        {
            return;
        }

        var initialDomain = await db.Tenants.AsNoTracking().Where(t => t.Id == tenantId).Select(t => t.InitialDomain).SingleAsync(ct);
        var wantsMailbox = changed.ToDictionary(c => c.UserId, c => c.HasMailbox);
        var users = new List<(Guid Id, MailIdentity Identity)>(changed.Count);
        foreach (var chunk in wantsMailbox.Keys.Chunk(1000))
        {
            var rows = await db.Users.AsNoTracking()
                .Where(u => u.TenantId == tenantId && chunk.Contains(u.Id))
                .Select(u => new { u.Id, u.UserPrincipalName, u.Mail, u.MailNickname, u.ProxyAddresses })
                .ToListAsync(ct);
            users.AddRange(rows.Select(r => (r.Id, new MailIdentity(r.UserPrincipalName, r.Mail, r.MailNickname, r.ProxyAddresses))));
        }

        users.Sort((a, b) => a.Id.CompareTo(b.Id));
        var moeras = await InitialDomainAddressesAsync(db, tenantId, initialDomain, [.. users.Where(u => wantsMailbox[u.Id])], ct);
        var writes = users.Select(u =>
        {
            var result = wantsMailbox[u.Id]
                ? ProxyCalculation.Licensed(u.Identity, moeras[u.Id])
                : ProxyCalculation.Unlicensed(u.Identity, initialDomain);
            return new RecipientWrite(u.Id, RecipientType.User, result.Mail, result.ProxyAddresses);
        }).ToList();
        await RecipientAddresses.WriteAsync(db, tenantId, writes, updateOwners: true, ct);
    }

    // Each user's initial-domain address: the plain alias when free, else the first free four-digit variant.
    private static async Task<Dictionary<Guid, string>> InitialDomainAddressesAsync(
        SkuldDb db, Guid tenantId, string initialDomain, List<(Guid Id, MailIdentity Identity)> users, CancellationToken ct)
    {
        var result = new Dictionary<Guid, string>(users.Count);
        // Addresses this batch gives, with their owner: the users' UPNs first (a UPN on the initial domain may
        // be another member's plain initial-domain address), then each initial-domain address as it is chosen.
        var claimed = users.ToDictionary(u => ProxyAddress.SmtpKey(u.Identity.UserPrincipalName), u => u.Id, StringComparer.Ordinal);
        var plain = await RecipientAddresses.HoldersAsync(db, tenantId, users.Select(u => ProxyAddress.SmtpKey(ProxyCalculation.Moera(u.Identity, initialDomain))), ct);
        // Another user's UPN is theirs to get as an address when they get a mailbox, whatever the batch order.
        var upns = await UpnHoldersAsync(db, tenantId, users.Select(u => ProxyCalculation.Moera(u.Identity, initialDomain)), ct);
        var taken = new List<(Guid Id, MailIdentity Identity)>();
        foreach (var user in users)
        {
            var address = ProxyCalculation.Moera(user.Identity, initialDomain);
            var key = ProxyAddress.SmtpKey(address);
            if ((plain.TryGetValue(key, out var holder) && holder.ObjectId != user.Id)
                || (upns.TryGetValue(key, out var owner) && owner != user.Id) || !Claim(claimed, key, user.Id))
            {
                taken.Add(user);
                continue;
            }

            result[user.Id] = address;
        }

        if (taken.Count == 0)
        {
            return result;
        }

        var candidates = taken.ToDictionary(u => u.Id, u => VariantsOf(u.Id).Select(v => ProxyCalculation.Moera(u.Identity, initialDomain, v)).ToList());
        var holders = await RecipientAddresses.HoldersAsync(db, tenantId, candidates.Values.SelectMany(c => c).Select(ProxyAddress.SmtpKey), ct);
        var variantUpns = await UpnHoldersAsync(db, tenantId, candidates.Values.SelectMany(c => c), ct);
        foreach (var user in taken)
        {
            // Failing all variants is vanishingly rare; the plain address then makes the write report the clash.
            result[user.Id] = candidates[user.Id].FirstOrDefault(a =>
                    !holders.ContainsKey(ProxyAddress.SmtpKey(a)) && !variantUpns.ContainsKey(ProxyAddress.SmtpKey(a)) && Claim(claimed, ProxyAddress.SmtpKey(a), user.Id))
                ?? ProxyCalculation.Moera(user.Identity, initialDomain);
        }

        return result;
    }

    // The users whose UPN is one of these addresses, by address key.
    private static async Task<Dictionary<string, Guid>> UpnHoldersAsync(SkuldDb db, Guid tenantId, IEnumerable<string> addresses, CancellationToken ct)
    {
        var holders = new Dictionary<string, Guid>(StringComparer.Ordinal);
        foreach (var chunk in addresses.Select(User.KeyOf).Distinct(StringComparer.Ordinal).Chunk(500))
        {
            var rows = await db.Users.AsNoTracking()
                .Where(u => u.TenantId == tenantId && chunk.Contains(u.UserPrincipalNameKey))
                .Select(u => new { u.Id, u.UserPrincipalName })
                .ToListAsync(ct);
            foreach (var row in rows)
            {
                holders[ProxyAddress.SmtpKey(row.UserPrincipalName)] = row.Id;
            }
        }

        return holders;
    }

    private static bool Claim(Dictionary<string, Guid> claimed, string key, Guid userId) =>
        claimed.TryAdd(key, userId) || claimed[key] == userId;

    // Entra picks four random digits; these are derived from the user id, so reprocessing gives the same address.
    private static IEnumerable<int> VariantsOf(Guid userId)
    {
        var seed = (uint)userId.GetHashCode();
        for (var i = 0u; i < Variants; i++)
        {
            yield return (int)((seed + (i * 7919u)) % 10000u);
        }
    }
}
