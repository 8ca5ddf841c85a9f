using Microsoft.EntityFrameworkCore;
using Skuld.Store.Audit;

namespace Skuld.Store.Recipients;

/// <summary>The outcome of a change to a recipient's addresses.</summary>
public abstract record RecipientEditResult
{
    private RecipientEditResult() { }

    /// <summary>Committed: the recipient's <c>mail</c> and proxy addresses now.</summary>
    public sealed record Updated(Guid ObjectId, string? Mail, IReadOnlyList<string> ProxyAddresses) : RecipientEditResult;

    /// <summary>Nothing changed: an address is held by another recipient, named.</summary>
    public sealed record Clash(AddressConflict Conflict) : RecipientEditResult;

    /// <summary>Nothing changed: the request is not valid (<see cref="Code"/> is stable, <see cref="Message"/> for people).</summary>
    public sealed record Invalid(string Code, string Message) : RecipientEditResult;

    /// <summary>No such recipient (or address) in the tenant.</summary>
    public sealed record NotFound(string Code, string Message) : RecipientEditResult;
}

/// <summary>What a new organisational contact is made of (native create; Graph v1.0 has no create).</summary>
public sealed record ContactDraft(
    string DisplayName,
    string Mail,
    IReadOnlyList<string> ProxyAddresses,
    string? GivenName = null,
    string? Surname = null,
    string? CompanyName = null,
    string? Department = null,
    string? JobTitle = null,
    string? MailNickname = null);

/// <summary>
/// Admin changes of recipients' addresses (Graph keeps proxyAddresses read-only, so these are native):
/// creating a contact, adding and removing an address of a user, group or contact. Each is one transaction
/// with its audit event; the address table's unique index decides races.
/// </summary>
public static class RecipientEdits
{
    public static async Task<RecipientEditResult> CreateContactAsync(
        SkuldDb db, Guid tenantId, ContactDraft draft, Actor actor, TimeProvider time, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(draft.DisplayName) || draft.DisplayName.Length > 256)
        {
            return new RecipientEditResult.Invalid("invalid_display_name", "displayName is required (at most 256 characters).");
        }

        if (!ProxyAddress.IsMailAddress(draft.Mail))
        {
            return new RecipientEditResult.Invalid("invalid_mail", $"mail must be an e-mail address (local@domain); got '{draft.Mail}'.");
        }

        List<string> addresses = [ProxyAddress.Primary(draft.Mail).ToString()];
        foreach (var text in draft.ProxyAddresses)
        {
            if (ProxyAddress.TryParse(text) is not { } address)
            {
                return new RecipientEditResult.Invalid("invalid_proxy_address", $"'{text}' is not a proxy address (type:value, e.g. smtp:bob@contoso.com).");
            }

            if (address.IsPrimary && address.Key != ProxyAddress.SmtpKey(draft.Mail))
            {
                return new RecipientEditResult.Invalid("two_primary_addresses",
                    $"'{text}' would be a second primary address; the primary address is mail ({draft.Mail}). Use smtp: for secondary addresses.");
            }

            addresses = [.. ProxyCalculation.Added(addresses, address.IsPrimary ? ProxyAddress.Secondary(address.Value) : address).ProxyAddresses];
        }

        var contact = new OrgContact
        {
            TenantId = tenantId,
            Id = Guid.NewGuid(),
            DisplayName = draft.DisplayName.Trim(),
            Mail = draft.Mail,
            MailNickname = string.IsNullOrWhiteSpace(draft.MailNickname) ? draft.Mail.Split('@')[0] : draft.MailNickname,
            GivenName = draft.GivenName,
            Surname = draft.Surname,
            CompanyName = draft.CompanyName,
            Department = draft.Department,
            JobTitle = draft.JobTitle,
            ProxyAddresses = addresses,
            CreatedDateTime = time.GetUtcNow(),
        };
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (await RecipientAddresses.FindConflictAsync(db, tenantId, contact.Id, addresses, ct) is { } conflict)
        {
            return new RecipientEditResult.Clash(conflict);
        }

        db.OrgContacts.Add(contact);
        db.AuditEvents.Add(AuditRecord.Create(tenantId, actor, "Add contact", "Contact", "Add", Guid.NewGuid(), contact.CreatedDateTime,
            [new AuditTarget(contact.Id, "Contact", contact.DisplayName, null,
                [new ModifiedProperty("ProxyAddresses", "[]", AuditRecord.Value(addresses))])]));
        try
        {
            await db.SaveChangesAsync(ct);
            await RecipientAddresses.WriteAsync(db, tenantId, [new RecipientWrite(contact.Id, RecipientType.Contact, contact.Mail, addresses)], updateOwners: false, ct);
            await transaction.CommitAsync(ct);
            return new RecipientEditResult.Updated(contact.Id, contact.Mail, addresses);
        }
        catch (Exception e) when (RecipientAddresses.IsAddressClash(e))
        {
            return await ClashAfterRaceAsync(db, transaction, tenantId, contact.Id, addresses, ct);
        }
    }

    /// <summary>Adds an address to a user, group or contact; <c>SMTP:</c> makes it primary (and <c>mail</c>).</summary>
    public static Task<RecipientEditResult> AddAddressAsync(
        SkuldDb db, Guid tenantId, Guid objectId, RecipientType type, string text, Actor actor, TimeProvider time, CancellationToken ct) =>
        EditAsync(db, tenantId, objectId, type, text, adding: true, actor, time, ct);

    /// <summary>Removes an address (matched without regard to case or prefix case); the primary address cannot be removed.</summary>
    public static Task<RecipientEditResult> RemoveAddressAsync(
        SkuldDb db, Guid tenantId, Guid objectId, RecipientType type, string text, Actor actor, TimeProvider time, CancellationToken ct) =>
        EditAsync(db, tenantId, objectId, type, text, adding: false, actor, time, ct);

    private static async Task<RecipientEditResult> EditAsync(
        SkuldDb db, Guid tenantId, Guid objectId, RecipientType type, string text, bool adding, Actor actor, TimeProvider time, CancellationToken ct)
    {
        if (ProxyAddress.TryParse(text) is not { } address)
        {
            return new RecipientEditResult.Invalid("invalid_proxy_address", $"'{text}' is not a proxy address (type:value, e.g. smtp:bob@contoso.com).");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Bumping the version first locks the row until commit on PostgreSQL (SQLite's IMMEDIATE transaction serialises writers).
        var current = await LockAsync(db, tenantId, objectId, type, ct);
        if (current is null)
        {
            return new RecipientEditResult.NotFound($"{type.ToString().ToLowerInvariant()}_not_found", $"No {type.ToString().ToLowerInvariant()} '{objectId:D}' in this tenant.");
        }

        if (adding && address.IsSmtp && type != RecipientType.Contact
            && await db.Tenants.AsNoTracking().AnyAsync(t => t.Id == tenantId && t.Domain != address.Domain && t.InitialDomain != address.Domain, ct))
        {
            return new RecipientEditResult.Invalid("domain_not_verified",
                $"'{address.Value}' is not in one of the tenant's domains; a {type.ToString().ToLowerInvariant()}'s SMTP addresses must be.");
        }

        var held = current.Value.ProxyAddresses.Select(ProxyAddress.TryParse).OfType<ProxyAddress>().FirstOrDefault(p => p.Key == address.Key);
        if (!adding && held is null)
        {
            return new RecipientEditResult.NotFound("address_not_found", $"The {type.ToString().ToLowerInvariant()} has no address '{address.Value}'.");
        }

        if (!adding && held!.IsPrimary)
        {
            return new RecipientEditResult.Invalid("primary_address",
                $"'{held}' is the primary address; make another address primary (add it with SMTP:) before removing this one.");
        }

        var result = adding ? ProxyCalculation.Added(current.Value.ProxyAddresses, address) : ProxyCalculation.Removed(current.Value.ProxyAddresses, address);
        var mail = result.Mail ?? current.Value.Mail;
        if (adding && await RecipientAddresses.FindConflictAsync(db, tenantId, objectId, [address.ToString()], ct) is { } conflict)
        {
            return new RecipientEditResult.Clash(conflict);
        }

        var name = await RecipientAddresses.NamesAsync(db, tenantId, [(objectId, type)], ct);
        db.AuditEvents.Add(AuditRecord.Create(tenantId, actor, $"Update {Activity(type)}", Category(type), "Update", Guid.NewGuid(), time.GetUtcNow(),
            [new AuditTarget(objectId, type.ToString(), name.GetValueOrDefault(objectId), null,
                [new ModifiedProperty("ProxyAddresses", AuditRecord.Value(current.Value.ProxyAddresses), AuditRecord.Value(result.ProxyAddresses))])]));
        try
        {
            await RecipientAddresses.WriteAsync(db, tenantId, [new RecipientWrite(objectId, type, mail, result.ProxyAddresses)], updateOwners: true, ct);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return new RecipientEditResult.Updated(objectId, mail, result.ProxyAddresses);
        }
        catch (Exception e) when (RecipientAddresses.IsAddressClash(e))
        {
            return await ClashAfterRaceAsync(db, transaction, tenantId, objectId, [address.ToString()], ct);
        }
    }

    // The unique index refused an address another request took after our check: roll back, then name the holder.
    private static async Task<RecipientEditResult> ClashAfterRaceAsync(
        SkuldDb db, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction transaction, Guid tenantId, Guid objectId,
        List<string> addresses, CancellationToken ct)
    {
        await transaction.RollbackAsync(ct);
        db.ChangeTracker.Clear();
        var conflict = await RecipientAddresses.FindConflictAsync(db, tenantId, objectId, addresses, ct);
        return new RecipientEditResult.Clash(conflict ?? new AddressConflict(addresses[0], new RecipientRef(Guid.Empty, RecipientType.User, "")));
    }

    private static async Task<(string? Mail, List<string> ProxyAddresses)?> LockAsync(
        SkuldDb db, Guid tenantId, Guid objectId, RecipientType type, CancellationToken ct)
    {
        switch (type)
        {
            case RecipientType.User:
                if (await db.Users.Where(u => u.TenantId == tenantId && u.Id == objectId).ExecuteUpdateAsync(s => s.SetProperty(u => u.Version, u => u.Version + 1), ct) == 0)
                {
                    return null;
                }

                var user = await db.Users.AsNoTracking().Where(u => u.TenantId == tenantId && u.Id == objectId).Select(u => new { u.Mail, u.ProxyAddresses }).SingleAsync(ct);
                return (user.Mail, user.ProxyAddresses);
            case RecipientType.Group:
                if (await db.Groups.Where(g => g.TenantId == tenantId && g.Id == objectId).ExecuteUpdateAsync(s => s.SetProperty(g => g.Version, g => g.Version + 1), ct) == 0)
                {
                    return null;
                }

                var group = await db.Groups.AsNoTracking().Where(g => g.TenantId == tenantId && g.Id == objectId).Select(g => new { g.Mail, g.ProxyAddresses }).SingleAsync(ct);
                return (group.Mail, group.ProxyAddresses);
            case RecipientType.Contact:
                if (await db.OrgContacts.Where(c => c.TenantId == tenantId && c.Id == objectId).ExecuteUpdateAsync(s => s.SetProperty(c => c.Version, c => c.Version + 1), ct) == 0)
                {
                    return null;
                }

                var contact = await db.OrgContacts.AsNoTracking().Where(c => c.TenantId == tenantId && c.Id == objectId).Select(c => new { c.Mail, c.ProxyAddresses }).SingleAsync(ct);
                return (contact.Mail, contact.ProxyAddresses);
            default:
                throw new ArgumentOutOfRangeException(nameof(type));
        }
    }

    private static string Activity(RecipientType type) => type switch
    {
        RecipientType.User => "user",
        RecipientType.Group => "group",
        RecipientType.Contact => "contact",
    };

    private static string Category(RecipientType type) => type switch
    {
        RecipientType.User => "UserManagement",
        RecipientType.Group => "GroupManagement",
        RecipientType.Contact => "Contact",
    };
}
