using Skuld.Store.Directory;
using Skuld.Store.Recipients;

namespace Skuld.Store.Tests.Recipients;

/// <summary>Seeds recipients (user, group, contact) with their address rows straight into a store.</summary>
internal static class Recipients
{
    public static async Task<Guid> TenantAsync(SkuldDb db, string domain)
    {
        var tenantId = Guid.NewGuid();
        db.Tenants.Add(new Tenant
        {
            Id = tenantId, DisplayName = domain, Domain = domain, InitialDomain = domain.Split('.')[0] + ".onmicrosoft.com",
            CountryLetterCode = "US", CreatedDateTime = Seed.Now,
        });
        await db.SaveChangesAsync();
        return tenantId;
    }

    public static async Task<Guid> UserAsync(SkuldDb db, Guid tenantId, string name, params string[] addresses)
    {
        var id = Guid.NewGuid();
        db.Users.Add(new User
        {
            TenantId = tenantId, Id = id, UserPrincipalName = $"{name.Replace(' ', '.')}@{Guid.NewGuid():N}.example", DisplayName = name,
            ProxyAddresses = [.. addresses], CreatedDateTime = Seed.Now,
        });
        await AddressesAsync(db, tenantId, id, RecipientType.User, addresses);
        return id;
    }

    public static async Task<Guid> GroupAsync(SkuldDb db, Guid tenantId, string name, params string[] addresses)
    {
        var id = Guid.NewGuid();
        db.Groups.Add(new Group
        {
            TenantId = tenantId, Id = id, DisplayName = name, MailNickname = name.Replace(' ', '-'), MailEnabled = true,
            GroupTypes = ["Unified"], ProxyAddresses = [.. addresses], CreatedDateTime = Seed.Now,
        });
        await AddressesAsync(db, tenantId, id, RecipientType.Group, addresses);
        return id;
    }

    public static async Task<Guid> ContactAsync(SkuldDb db, Guid tenantId, string name, params string[] addresses)
    {
        var id = Guid.NewGuid();
        db.OrgContacts.Add(new OrgContact { TenantId = tenantId, Id = id, DisplayName = name, ProxyAddresses = [.. addresses], CreatedDateTime = Seed.Now });
        await AddressesAsync(db, tenantId, id, RecipientType.Contact, addresses);
        return id;
    }

    private static async Task AddressesAsync(SkuldDb db, Guid tenantId, Guid id, RecipientType type, string[] addresses)
    {
        db.RecipientAddresses.AddRange(addresses.Select(text => ProxyAddress.TryParse(text) ?? throw new ArgumentException(text)).Select(a => new RecipientAddress
        {
            TenantId = tenantId, AddressKey = a.Key, Address = a.ToString(), Domain = a.Domain, ObjectId = id, ObjectType = type, IsPrimary = a.IsPrimary,
        }));
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
    }
}
