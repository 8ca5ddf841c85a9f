using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Skuld.Store.Recipients;
using Skuld.Testing;

namespace Skuld.Store.Tests.Recipients;

/// <summary>
/// The database itself enforces one holder per address and tenant (a partial unique index over normalised
/// keys), whatever the code does: duplicates inserted by raw SQL are refused; quarantined copies are not.
/// </summary>
public sealed class AddressIndexTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task InsertRawAsync(SkuldDb db, StoreKind kind, Guid tenantId, Guid objectId, string key, bool quarantined)
    {
        // Plain SQL with literal values, as a careless import script would write it.
        var (tenant, obj, flag) = kind == StoreKind.Sqlite
            ? ($"'{tenantId.ToString("D").ToUpperInvariant()}'", $"'{objectId.ToString("D").ToUpperInvariant()}'", quarantined ? "1" : "0")
            : ($"'{tenantId:D}'", $"'{objectId:D}'", quarantined ? "TRUE" : "FALSE");
#pragma warning disable EF1003 // test data, no user input
        await db.Database.ExecuteSqlRawAsync(
            "INSERT INTO recipient_addresses (tenant_id, address_key, object_id, address, domain, object_type, is_primary, quarantined) " +
            $"VALUES ({tenant}, '{key}', {obj}, 'smtp:{key}', 'contoso.com', 'Contact', {flag}, {flag})", Ct);
#pragma warning restore EF1003
    }

    [Theory, AllStores]
    public async Task The_database_refuses_a_second_holder_of_an_address_inserted_by_raw_sql(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        await using var db = store.NewDb();
        var tenantId = await Seed.TenantAsync(db, units: 1);
        await InsertRawAsync(db, kind, tenantId, Guid.NewGuid(), "shared@contoso.com", quarantined: false);

        var refused = await Assert.ThrowsAnyAsync<DbException>(() => InsertRawAsync(db, kind, tenantId, Guid.NewGuid(), "shared@contoso.com", quarantined: false));

        Assert.True(RecipientAddresses.IsAddressClash(refused), refused.Message);
        Assert.Equal(1, await db.RecipientAddresses.CountAsync(a => a.TenantId == tenantId && a.AddressKey == "shared@contoso.com", Ct));
    }

    [Theory, AllStores]
    public async Task A_quarantined_copy_is_kept_and_the_same_address_is_free_in_another_tenant(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        await using var db = store.NewDb();
        var tenantId = await Seed.TenantAsync(db, units: 1);
        var otherTenantId = await Seed.TenantAsync(db, units: 1, domain: "fabrikam.com");
        await InsertRawAsync(db, kind, tenantId, Guid.NewGuid(), "shared@contoso.com", quarantined: false);

        await InsertRawAsync(db, kind, tenantId, Guid.NewGuid(), "shared@contoso.com", quarantined: true);
        await InsertRawAsync(db, kind, otherTenantId, Guid.NewGuid(), "shared@contoso.com", quarantined: false);

        Assert.Equal(2, await db.RecipientAddresses.CountAsync(a => a.TenantId == tenantId && a.AddressKey == "shared@contoso.com", Ct));
        // Holders are the unquarantined rows only.
        var holders = await RecipientAddresses.HoldersAsync(db, tenantId, ["shared@contoso.com"], Ct);
        Assert.Single(holders);
    }

    [Theory, AllStores]
    public async Task Address_keys_range_scan_by_prefix_in_code_point_order(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        await using var db = store.NewDb();
        var tenantId = await Seed.TenantAsync(db, units: 1);
        db.RecipientAddresses.AddRange(RecipientAddresses.Rows(tenantId, Guid.NewGuid(), RecipientType.Contact,
            ["SMTP:Bob@contoso.com", "smtp:bobby@contoso.com", "smtp:Boc@contoso.com", "smtp:ALICE@contoso.com", "smtp:bob_2@contoso.com"]));
        await db.SaveChangesAsync(Ct);

        // What recipient search will do: a prefix is the key range [prefix, prefix + U+FFFF).
        var found = await db.RecipientAddresses
            .Where(a => a.TenantId == tenantId && !a.Quarantined && a.AddressKey.CompareTo("bob") >= 0 && a.AddressKey.CompareTo("bob\uffff") < 0)
            .OrderBy(a => a.AddressKey)
            .Select(a => a.AddressKey)
            .ToListAsync(Ct);

        Assert.Equal(["bob@contoso.com", "bob_2@contoso.com", "bobby@contoso.com"], found);
    }
}
