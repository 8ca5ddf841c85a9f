using Skuld.Server.Tests.Infrastructure;
using Skuld.Store.Directory;
using Skuld.Store.Recipients;

namespace Skuld.Server.Tests.Recipients;

/// <summary>Recipients with their address rows, written straight into a test server's store.</summary>
public static class RecipientSeed
{
    public static async Task<Guid> AddRecipientAsync(this SkuldServer server, Tenant tenant, RecipientType type, string name, params string[] addresses)
    {
        var id = Guid.NewGuid();
        await using var db = server.NewDb();
        switch (type)
        {
            case RecipientType.User:
                db.Users.Add(new User
                {
                    TenantId = tenant.Id, Id = id, UserPrincipalName = $"{name.Replace(' ', '.')}@{tenant.Domain}", DisplayName = name,
                    ProxyAddresses = [.. addresses], CreatedDateTime = server.Time.GetUtcNow(),
                });
                break;
            case RecipientType.Group:
                db.Groups.Add(new Group
                {
                    TenantId = tenant.Id, Id = id, DisplayName = name, MailNickname = name.Replace(' ', '-'), MailEnabled = true, GroupTypes = ["Unified"],
                    ProxyAddresses = [.. addresses], CreatedDateTime = server.Time.GetUtcNow(),
                });
                break;
            case RecipientType.Contact:
                db.OrgContacts.Add(new OrgContact { TenantId = tenant.Id, Id = id, DisplayName = name, ProxyAddresses = [.. addresses], CreatedDateTime = server.Time.GetUtcNow() });
                break;
        }

        db.RecipientAddresses.AddRange(addresses.Select(text => ProxyAddress.TryParse(text) ?? throw new ArgumentException(text)).Select(a => new RecipientAddress
        {
            TenantId = tenant.Id, AddressKey = a.Key, Address = a.ToString(), Domain = a.Domain, ObjectId = id, ObjectType = type, IsPrimary = a.IsPrimary,
        }));
        await db.SaveChangesAsync();
        return id;
    }
}
