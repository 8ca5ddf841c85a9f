using Microsoft.EntityFrameworkCore;
using Skuld.Store.Audit;

namespace Skuld.Store.Recipients;

/// <summary>One contact to import: <see cref="Mail"/> becomes its primary address; <see cref="ProxyAddresses"/> are <c>type:value</c>.</summary>
public sealed record ContactImportRow(
    string? DisplayName, string? Mail, IReadOnlyList<string> ProxyAddresses,
    string? GivenName = null, string? Surname = null, string? CompanyName = null);

/// <summary>An address a contact wanted but another recipient holds, and who holds it.</summary>
public sealed record QuarantinedAddress(string Address, Guid HeldById, RecipientType HeldByType, string HeldByDisplayName);

/// <summary>One created contact: its line in the input (1-based), id, the addresses it holds and those kept aside.</summary>
public sealed record ImportedContact(int Row, Guid Id, string DisplayName, string? Mail, IReadOnlyList<string> ProxyAddresses, IReadOnlyList<QuarantinedAddress> Quarantined);

public sealed record ContactImportReport(int Created, int QuarantinedAddresses, IReadOnlyList<ImportedContact> Contacts);

/// <summary>Why nothing was imported: <c>invalid_rows</c> (with one problem per bad row) or <c>too_many_rows</c>.</summary>
public sealed record ContactImportError(string Code, string Message, IReadOnlyList<string> Problems);

public sealed record ContactImportResult(ContactImportReport? Report, ContactImportError? Error);

/// <summary>
/// The resilient import path (Entra's duplicate attribute resiliency): contacts are created even when one of their
/// addresses is already held — by any recipient of the tenant, or by an earlier row of the same import. Such an
/// address is written quarantined (outside the unique index, not in the contact's <c>proxyAddresses</c>, and <c>mail</c>
/// stays empty when it was the primary) and reported, instead of failing the row. All rows are checked first; one bad
/// row refuses the whole import and nothing is written. One transaction; one "Add contact" audit event per contact,
/// naming the quarantined addresses.
/// </summary>
public static class ContactImport
{
    public const int MaxRows = 10_000;
    private const int Attempts = 3;

    public static async Task<ContactImportResult> ImportAsync(
        SkuldDb db, Guid tenantId, IReadOnlyList<ContactImportRow> rows, Actor actor, TimeProvider time, CancellationToken ct)
    {
        if (rows.Count > MaxRows)
        {
            return Refused("too_many_rows", $"An import takes at most {MaxRows} contacts; got {rows.Count}.", []);
        }

        var parsed = new List<(string DisplayName, List<ProxyAddress> Addresses)>(rows.Count);
        var problems = new List<string>();
        for (var i = 0; i < rows.Count; i++)
        {
            if (Validate(rows[i], out var problem) is { } addresses)
            {
                parsed.Add((rows[i].DisplayName!.Trim(), addresses)); // Why '!': Validate refuses a missing name.
            }
            else
            {
                problems.Add($"row {i + 1}: {problem}");
            }
        }

        if (problems.Count > 0)
        {
            return Refused("invalid_rows", $"{problems.Count} row(s) are invalid; nothing was imported.", problems);
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return new ContactImportResult(await WriteAsync(db, tenantId, rows, parsed, actor, time, ct), null);
            }
            catch (DbUpdateException e) when (attempt < Attempts && RecipientAddresses.IsAddressClash(e))
            {
                // Another writer took one of the addresses between our read and our insert (PostgreSQL, read committed):
                // everything was rolled back, so decide again on what is held now.
                db.ChangeTracker.Clear();
            }
        }
    }

    private static async Task<ContactImportReport> WriteAsync(
        SkuldDb db, Guid tenantId, IReadOnlyList<ContactImportRow> rows, List<(string DisplayName, List<ProxyAddress> Addresses)> parsed,
        Actor actor, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var keys = parsed.SelectMany(p => p.Addresses).Select(a => a.Key).Distinct(StringComparer.Ordinal).ToList();
        var holders = new Dictionary<string, (Guid ObjectId, RecipientType Type)>(StringComparer.Ordinal);
        foreach (var chunk in keys.Chunk(500))
        {
            foreach (var held in await db.RecipientAddresses.AsNoTracking()
                .Where(a => a.TenantId == tenantId && !a.Quarantined && chunk.Contains(a.AddressKey))
                .Select(a => new { a.AddressKey, a.ObjectId, a.ObjectType }).ToListAsync(ct))
            {
                holders[held.AddressKey] = (held.ObjectId, held.ObjectType);
            }
        }

        var existing = await RecipientSearch.DescribeAsync(db, tenantId, holders.Values, ct);
        var names = existing.ToDictionary(e => e.Key, e => e.Value.DisplayName);
        var contacts = new List<ImportedContact>(parsed.Count);
        for (var i = 0; i < parsed.Count; i++)
        {
            var (displayName, addresses) = parsed[i];
            var row = rows[i];
            var id = Guid.CreateVersion7(now);
            names[id] = displayName;
            var kept = new List<ProxyAddress>();
            var quarantined = new List<QuarantinedAddress>();
            foreach (var address in addresses)
            {
                var taken = holders.TryGetValue(address.Key, out var holder);
                if (taken)
                {
                    quarantined.Add(new QuarantinedAddress(address.ToString(), holder.ObjectId, holder.Type, names.GetValueOrDefault(holder.ObjectId, "")));
                }
                else
                {
                    holders[address.Key] = (id, RecipientType.Contact);
                    kept.Add(address);
                }

                db.RecipientAddresses.Add(new RecipientAddress
                {
                    TenantId = tenantId,
                    AddressKey = address.Key,
                    Address = address.ToString(),
                    Domain = address.Domain,
                    ObjectId = id,
                    ObjectType = RecipientType.Contact,
                    IsPrimary = address.IsPrimary,
                    Quarantined = taken,
                });
            }

            var mail = kept.FirstOrDefault(a => a.IsPrimary)?.Value;
            var proxyAddresses = kept.Select(a => a.ToString()).ToList();
            db.OrgContacts.Add(new OrgContact
            {
                TenantId = tenantId,
                Id = id,
                DisplayName = displayName,
                GivenName = Trimmed(row.GivenName),
                Surname = Trimmed(row.Surname),
                CompanyName = Trimmed(row.CompanyName),
                Mail = mail,
                ProxyAddresses = proxyAddresses,
                CreatedDateTime = now,
            });
            db.AuditEvents.Add(AuditRecord.Create(
                tenantId, actor, "Add contact", "Contact", "Add", Guid.NewGuid(), now,
                [new AuditTarget(id, "Contact", displayName, null, [
                    new ModifiedProperty("DisplayName", null, AuditRecord.Value(new[] { displayName })),
                    new ModifiedProperty("ProxyAddresses", null, AuditRecord.Value(proxyAddresses)),
                ])],
                additionalDetails: [.. quarantined.Select(q => KeyValuePair.Create(
                    "QuarantinedProxyAddress", $"{q.Address} (held by {q.HeldByType} '{q.HeldByDisplayName}' {q.HeldById:D})"))]));
            contacts.Add(new ImportedContact(i + 1, id, displayName, mail, proxyAddresses, quarantined));
        }

        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return new ContactImportReport(contacts.Count, contacts.Sum(c => c.Quarantined.Count), contacts);
    }

    /// <summary>The row's addresses, primary first and each key once; null (and why) when the row is not importable.</summary>
    private static List<ProxyAddress>? Validate(ContactImportRow row, out string problem)
    {
        problem = "";
        var name = row.DisplayName?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 256 || name.Any(char.IsControl))
        {
            problem = "displayName is required (1 to 256 characters, no control characters)";
            return null;
        }

        var addresses = new List<ProxyAddress>();
        if (Trimmed(row.Mail) is { } mail)
        {
            if (!ProxyAddress.IsMailAddress(mail))
            {
                problem = $"mail '{mail}' is not an email address";
                return null;
            }

            addresses.Add(ProxyAddress.Primary(mail));
        }

        foreach (var text in row.ProxyAddresses.Select(Trimmed).OfType<string>())
        {
            if (ProxyAddress.TryParse(text) is not { } address)
            {
                problem = $"'{text}' is not a proxy address (type:value, e.g. smtp:bob@contoso.com)";
                return null;
            }

            addresses.Add(address);
        }

        var distinct = addresses.OrderByDescending(a => a.IsPrimary).DistinctBy(a => a.Key).ToList();
        if (distinct.Count(a => a.IsPrimary) > 1)
        {
            problem = "more than one primary address (SMTP: in upper case, or mail and another SMTP:)";
            return null;
        }

        return distinct;
    }

    private static string? Trimmed(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static ContactImportResult Refused(string code, string message, IReadOnlyList<string> problems) =>
        new(null, new ContactImportError(code, message, problems));
}
