using Microsoft.EntityFrameworkCore;
using Skuld.Licensing.Engine;
using Skuld.Store.Audit;
using Skuld.Store.Directory;
using Skuld.Store.Licensing;
using Skuld.Store.Processing;
using Skuld.Store.Recipients;
using Skuld.Testing;

namespace Skuld.Store.Tests.Recipients;

/// <summary>
/// The proxy step of group processing, on the store's batch path: many members over several batches, members
/// of one batch competing for one initial-domain address, a member whose UPN a contact holds, and the table
/// always equal to the members' proxyAddresses.
/// </summary>
public sealed class MailboxProcessingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeProvider Time = new FixedTime(Seed.Now);
    private static readonly Guid MailSku = new("5a7e0000-0000-4000-8000-0000000000b1");

    [Theory, AllStores]
    public async Task Group_processing_computes_addresses_per_batch_avoids_clashes_inside_a_batch_and_reverts(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        Guid tenantId, groupId, contactId;
        var users = new List<User>();
        await using (var db = store.NewDb())
        {
            tenantId = await Seed.TenantAsync(db, units: 1000);
            db.TenantProducts.Add(new TenantProduct
            {
                TenantId = tenantId, SkuId = MailSku, PartNumber = "SKULD_MAIL", DisplayName = "Mail",
                // Matched by name (Catalogue/Data/mail-plans.csv): a tenant's own product gets a mailbox this way.
                Plans = [new TenantServicePlan { Id = Guid.NewGuid(), Name = "EXCHANGE_S_STANDARD", FriendlyName = "Exchange Online (Plan 1)" }],
            });
            await SubscriptionUnits.AddAsync(db, tenantId, MailSku, 1000, Time, Ct);
            groupId = Guid.NewGuid();
            db.Groups.Add(new Group { TenantId = tenantId, Id = groupId, DisplayName = "Mail", MailNickname = "mail", SecurityEnabled = true, CreatedDateTime = Seed.Now });
            // First in the queue, so in one batch: bob's initial-domain address is the other bob's UPN.
            users.Add(NewUser(tenantId, "bob@contoso.com"));
            users.Add(NewUser(tenantId, "bob@contoso.onmicrosoft.com"));
            users.Add(NewUser(tenantId, "taken@contoso.com"));
            users.AddRange(Enumerable.Range(0, 200).Select(i => NewUser(tenantId, $"u{i}@contoso.com")));
            db.Users.AddRange(users);
            for (var i = 0; i < users.Count; i++)
            {
                db.GroupMembers.Add(new GroupMember { TenantId = tenantId, GroupId = groupId, MemberId = users[i].Id, MemberKind = MemberKind.User, AddedDateTime = Seed.Now.AddSeconds(i) });
            }

            contactId = Guid.NewGuid();
            db.OrgContacts.Add(new OrgContact { TenantId = tenantId, Id = contactId, DisplayName = "Taken", Mail = "TAKEN@contoso.com", ProxyAddresses = ["SMTP:TAKEN@contoso.com"], CreatedDateTime = Seed.Now });
            db.RecipientAddresses.AddRange(RecipientAddresses.Rows(tenantId, contactId, RecipientType.Contact, ["SMTP:TAKEN@contoso.com"]));
            db.GroupLicenses.Add(new Licensing.GroupLicense { TenantId = tenantId, GroupId = groupId, SkuId = MailSku, AssignedDateTime = Seed.Now });
            LicenseWork.EnqueueGroup(db, tenantId, groupId, Actor.Operator, Guid.NewGuid(), Seed.Now);
            await db.SaveChangesAsync(Ct);
        }

        await LicenseProcessing.RunUntilIdleAsync(store.NewDb, "test", 64, Time, Ct);

        await using (var db = store.NewDb())
        {
            var read = await db.Users.AsNoTracking().Where(u => u.TenantId == tenantId).ToDictionaryAsync(u => u.UserPrincipalName, Ct);
            Assert.Equal("bob@contoso.com", read["bob@contoso.com"].Mail);
            Assert.Matches("^smtp:bob[0-9]{4}@contoso\\.onmicrosoft\\.com$", read["bob@contoso.com"].ProxyAddresses[1]);
            Assert.Equal(["SMTP:bob@contoso.onmicrosoft.com"], read["bob@contoso.onmicrosoft.com"].ProxyAddresses);
            Assert.Equal(["SMTP:u199@contoso.com", "smtp:u199@contoso.onmicrosoft.com"], read["u199@contoso.com"].ProxyAddresses);
            Assert.Empty(read["taken@contoso.com"].ProxyAddresses);
            var taken = read["taken@contoso.com"].Id;
            var row = await db.LicenseAssignments.SingleAsync(a => a.TenantId == tenantId && a.UserId == taken, Ct);
            Assert.Equal((LicenseState.Error, LicenseError.UniquenessViolation), (row.State, row.Error));
            var audit = await db.AuditEvents.SingleAsync(e => e.TenantId == tenantId && e.Result == "failure", Ct);
            Assert.Contains(contactId.ToString("D"), audit.AdditionalDetails, StringComparison.Ordinal);
            Assert.Equal(users.Count - 1, await db.TenantSkus.Where(s => s.TenantId == tenantId && s.SkuId == MailSku).Select(s => s.ConsumedUnits).SingleAsync(Ct));
            await AssertTableMatchesAsync(db, tenantId);
        }

        await using (var db = store.NewDb())
        {
            await db.GroupLicenses.Where(l => l.TenantId == tenantId && l.GroupId == groupId).ExecuteDeleteAsync(Ct);
            LicenseWork.EnqueueGroup(db, tenantId, groupId, Actor.Operator, Guid.NewGuid(), Seed.Now);
            await db.SaveChangesAsync(Ct);
        }

        await LicenseProcessing.RunUntilIdleAsync(store.NewDb, "test", 64, Time, Ct);

        await using (var db = store.NewDb())
        {
            var read = await db.Users.AsNoTracking().Where(u => u.TenantId == tenantId).ToDictionaryAsync(u => u.UserPrincipalName, Ct);
            Assert.Equal("u7@contoso.onmicrosoft.com", read["u7@contoso.com"].Mail);
            Assert.Equal(["SMTP:u7@contoso.onmicrosoft.com"], read["u7@contoso.com"].ProxyAddresses);
            Assert.Empty(read["taken@contoso.com"].ProxyAddresses);
            await AssertTableMatchesAsync(db, tenantId);
        }
    }

    private static User NewUser(Guid tenantId, string upn) => new()
    {
        TenantId = tenantId, Id = Guid.NewGuid(), UserPrincipalName = upn, DisplayName = upn, UsageLocation = "US", CreatedDateTime = Seed.Now,
    };

    // Every user's proxyAddresses are exactly its rows in the address table.
    private static async Task AssertTableMatchesAsync(SkuldDb db, Guid tenantId)
    {
        var rows = await db.RecipientAddresses.AsNoTracking().Where(a => a.TenantId == tenantId && a.ObjectType == RecipientType.User).ToListAsync(Ct);
        var users = await db.Users.AsNoTracking().Where(u => u.TenantId == tenantId).ToListAsync(Ct);
        foreach (var user in users)
        {
            Assert.Equal(
                user.ProxyAddresses.Order(StringComparer.Ordinal),
                rows.Where(r => r.ObjectId == user.Id).Select(r => r.Address).Order(StringComparer.Ordinal));
        }
    }
}
