using Microsoft.EntityFrameworkCore;
using Skuld.Store.Audit;
using Skuld.Store.Recipients;
using Skuld.Testing;

namespace Skuld.Store.Tests.Recipients;

public sealed class ContactImportTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<ContactImportResult> ImportAsync(SkuldDb db, Guid tenantId, params ContactImportRow[] rows) =>
        ContactImport.ImportAsync(db, tenantId, rows, Actor.Operator, TimeProvider.System, Ct);

    [Theory, AllStores]
    public async Task Import_quarantines_addresses_already_held_and_the_duplicate_report_lists_them(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        await using var db = store.NewDb();
        var tenantId = await Recipients.TenantAsync(db, "contoso.com");
        var other = await Recipients.TenantAsync(db, "fabrikam.com");
        var bob = await Recipients.UserAsync(db, tenantId, "Bob Kelly", "SMTP:bob@contoso.com");
        await Recipients.UserAsync(db, other, "Their Bob", "SMTP:shared@vendor.example");

        var result = await ImportAsync(db, tenantId,
            new ContactImportRow("Bob (vendor)", "BOB@Contoso.com", ["smtp:bob@vendor.example"]),
            new ContactImportRow("Shared one", "shared@vendor.example", []),
            new ContactImportRow("Shared two", null, ["SMTP:Shared@Vendor.example", "sip:two@vendor.example"]));

        Assert.Null(result.Error);
        var report = result.Report!;
        Assert.Equal((3, 2), (report.Created, report.QuarantinedAddresses));
        var vendorBob = report.Contacts[0];
        var quarantined = Assert.Single(vendorBob.Quarantined);
        Assert.Equal(("SMTP:BOB@Contoso.com", bob, RecipientType.User, "Bob Kelly"), (quarantined.Address, quarantined.HeldById, quarantined.HeldByType, quarantined.HeldByDisplayName));
        Assert.Equal(["smtp:bob@vendor.example"], vendorBob.ProxyAddresses);
        Assert.Null(vendorBob.Mail);
        // The other tenant's holder does not count; within the import the first row wins.
        Assert.Empty(report.Contacts[1].Quarantined);
        Assert.Equal("shared@vendor.example", report.Contacts[1].Mail);
        Assert.Equal(report.Contacts[1].Id, Assert.Single(report.Contacts[2].Quarantined).HeldById);
        Assert.Equal(["sip:two@vendor.example"], report.Contacts[2].ProxyAddresses);

        var stored = await db.OrgContacts.AsNoTracking().SingleAsync(c => c.Id == vendorBob.Id, Ct);
        Assert.Equal(["smtp:bob@vendor.example"], stored.ProxyAddresses);
        Assert.Equal(3, await db.AuditEvents.CountAsync(e => e.TenantId == tenantId && e.ActivityDisplayName == "Add contact", Ct));

        var (duplicates, error) = await DuplicateAddresses.ReportAsync(db, tenantId, null, null, Ct);
        Assert.Null(error);
        Assert.Equal(["bob@contoso.com", "shared@vendor.example"], duplicates!.Items.Select(d => d.AddressKey));
        Assert.Equal(
            [(bob, RecipientType.User, "Bob Kelly", false), (vendorBob.Id, RecipientType.Contact, "Bob (vendor)", true)],
            duplicates.Items[0].Holders.Select(h => (h.ObjectId, h.Type, h.DisplayName, h.Quarantined)));
        Assert.Equal(["Shared one", "Shared two"], duplicates.Items[1].Holders.Select(h => h.DisplayName));
        Assert.Null(duplicates.SkipToken);
        var (theirs, _) = await DuplicateAddresses.ReportAsync(db, other, null, null, Ct);
        Assert.Empty(theirs!.Items);

        // The exact search names who wants the address too, after its holder.
        var found = await RecipientSearch.FindAsync(db, tenantId, "bob@contoso.com", null, null, Ct);
        Assert.Equal([(bob, false), (vendorBob.Id, true)], found.Page!.Items.Select(i => (i.ObjectId, i.Quarantined)));
    }

    [Theory, AllStores]
    public async Task Duplicate_report_pages_by_address(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        await using var db = store.NewDb();
        var tenantId = await Recipients.TenantAsync(db, "contoso.com");
        for (var i = 0; i < 5; i++)
        {
            await Recipients.UserAsync(db, tenantId, $"User {i}", $"SMTP:u{i}@contoso.com");
        }

        // One quarantined copy of each, and a lone quarantined address that nobody holds (one object: not a duplicate).
        var rows = Enumerable.Range(0, 5).Select(i => new ContactImportRow($"Copy {i}", $"u{i}@contoso.com", [])).ToList();
        Assert.Null((await ContactImport.ImportAsync(db, tenantId, rows, Actor.Operator, TimeProvider.System, Ct)).Error);
        await db.RecipientAddresses.Where(a => a.TenantId == tenantId && a.AddressKey == "u4@contoso.com" && !a.Quarantined).ExecuteDeleteAsync(Ct);

        var first = (await DuplicateAddresses.ReportAsync(db, tenantId, 3, null, Ct)).Report!;
        var second = (await DuplicateAddresses.ReportAsync(db, tenantId, 3, first.SkipToken, Ct)).Report!;

        Assert.Equal(["u0@contoso.com", "u1@contoso.com", "u2@contoso.com"], first.Items.Select(d => d.AddressKey));
        Assert.Equal(["u3@contoso.com"], second.Items.Select(d => d.AddressKey));
        Assert.Null(second.SkipToken);
        Assert.Equal("invalid_skip_token", (await DuplicateAddresses.ReportAsync(db, tenantId, 3, "%%", Ct)).Error?.Code);
    }

    [Theory, AllStores]
    public async Task One_bad_row_refuses_the_whole_import_and_writes_nothing(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        await using var db = store.NewDb();
        var tenantId = await Recipients.TenantAsync(db, "contoso.com");

        var result = await ImportAsync(db, tenantId,
            new ContactImportRow("Fine", "fine@vendor.example", []),
            new ContactImportRow("", "nameless@vendor.example", []),
            new ContactImportRow("Bad mail", "not-an-address", []),
            new ContactImportRow("Bad proxy", null, ["bob@vendor.example"]),
            new ContactImportRow("Two primaries", "a@vendor.example", ["SMTP:b@vendor.example"]));

        Assert.Null(result.Report);
        Assert.Equal("invalid_rows", result.Error!.Code);
        Assert.Equal(["row 2", "row 3", "row 4", "row 5"], result.Error.Problems.Select(p => p.Split(':')[0]));
        Assert.Equal(0, await db.OrgContacts.CountAsync(Ct));
        Assert.Equal(0, await db.RecipientAddresses.CountAsync(Ct));
    }

    [Theory, AllStores]
    public async Task Concurrent_imports_of_one_address_give_it_one_holder_and_quarantine_the_other(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        Guid tenantId;
        await using (var db = store.NewDb())
        {
            tenantId = await Recipients.TenantAsync(db, "contoso.com");
        }

        var imports = Enumerable.Range(0, 4).Select(async i =>
        {
            await using var db = store.NewDb();
            return await ImportAsync(db, tenantId, new ContactImportRow($"Racer {i}", "race@vendor.example", []));
        }).ToList();
        var results = await Task.WhenAll(imports);

        Assert.All(results, r => Assert.Null(r.Error));
        Assert.Equal(3, results.Sum(r => r.Report!.QuarantinedAddresses));
        await using var check = store.NewDb();
        Assert.Equal(1, await check.RecipientAddresses.CountAsync(a => a.AddressKey == "race@vendor.example" && !a.Quarantined, Ct));
        Assert.Equal(3, await check.RecipientAddresses.CountAsync(a => a.AddressKey == "race@vendor.example" && a.Quarantined, Ct));
    }
}
