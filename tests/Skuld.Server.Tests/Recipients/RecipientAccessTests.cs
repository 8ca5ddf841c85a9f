using System.Net;
using Skuld.Server.Tests.Infrastructure;
using Skuld.Store.Auth;
using Skuld.Store.Recipients;
using Skuld.Testing;
using static Skuld.Server.Tests.Graph.GraphTestTenant;
using static Skuld.Server.Tests.Recipients.RecipientKit;

namespace Skuld.Server.Tests.Recipients;

/// <summary>Who may use the recipient endpoints, another tenant's recipients, and deletes freeing addresses.</summary>
public sealed class RecipientAccessTests
{
    public enum Call
    {
        ListContacts,
        CreateContact,
        AddUserAddress,
        AddGroupAddress,
        UserLicenseErrors,
    }

    /// <summary>
    /// Written by hand from DESIGN.md "Roles": contacts are read like users and managed by user administrators;
    /// group addresses by group administrators. Columns: GA UA LA GrA GR RR.
    /// </summary>
    private static readonly Dictionary<Call, string> Expected = new()
    {
        [Call.ListContacts] =      "yes yes yes yes yes no",
        [Call.CreateContact] =     "yes yes no  no  no  no",
        [Call.AddUserAddress] =    "yes yes no  no  no  no",
        [Call.AddGroupAddress] =   "yes yes no  yes no  no",
        [Call.UserLicenseErrors] = "yes yes yes yes yes no",
    };

    private static readonly DirectoryRole[] Roles =
    [
        DirectoryRole.GlobalAdministrator, DirectoryRole.UserAdministrator, DirectoryRole.LicenseAdministrator,
        DirectoryRole.GroupsAdministrator, DirectoryRole.GlobalReader, DirectoryRole.ReportsReader,
    ];

    [Theory, AllStores]
    public async Task Each_role_gets_exactly_the_recipient_calls_it_is_allowed(StoreKind kind)
    {
        await using var t = await StartAsync(kind);
        var target = await t.AddUserAsync("target");
        var group = await t.Graph.Groups.PostAsync(new Microsoft.Graph.Models.Group
        {
            DisplayName = "Sales", MailNickname = "sales", MailEnabled = true, SecurityEnabled = true, GroupTypes = ["Unified"],
        }, cancellationToken: Cancel);
        for (var r = 0; r < Roles.Length; r++)
        {
            await t.Server.AddUserAsync(t.Tenant, $"role{r}", roles: Roles[r]);
            var http = t.Server.CreateClient(await t.Server.CreateClient().UserTokenAsync(Domain, $"role{r}@contoso.com"));
            foreach (var (call, row) in Expected)
            {
                var allowed = row.Split(' ', StringSplitOptions.RemoveEmptyEntries)[r] == "yes";
                var response = call switch
                {
                    Call.ListContacts => await http.GetAsync("/v1.0/contacts", Cancel),
                    Call.CreateContact => await http.CreateContactAsync($"C{r}", $"c{r}@fabrikam.com"),
                    Call.AddUserAddress => await http.AddAddressAsync("users", target.Id, $"smtp:t{r}@contoso.com"),
                    Call.AddGroupAddress => await http.AddAddressAsync("groups", Guid.Parse(group!.Id!), $"smtp:s{r}@contoso.com"),
                    Call.UserLicenseErrors => await http.GetAsync($"/api/users/{target.Id}/licenseErrors", Cancel),
                };
                var expected = allowed ? (call == Call.CreateContact ? HttpStatusCode.Created : HttpStatusCode.OK) : HttpStatusCode.Forbidden;
                Assert.True(response.StatusCode == expected, $"{Roles[r]} {call}: expected {expected}, got {response.StatusCode}");
            }
        }
    }

    [Theory, AllStores]
    public async Task Another_tenants_contacts_and_users_do_not_exist_for_the_caller(StoreKind kind)
    {
        await using var t = await StartAsync(kind);
        var fabrikam = await t.Server.AddTenantAsync("fabrikam.com");
        var theirUser = await t.Server.AddUserAsync(fabrikam, "adele");
        var theirContact = Guid.NewGuid();
        await using (var db = t.NewDb())
        {
            db.OrgContacts.Add(new OrgContact
            {
                TenantId = fabrikam.Id, Id = theirContact, DisplayName = "Theirs", Mail = "theirs@example.com",
                ProxyAddresses = ["SMTP:theirs@example.com"], CreatedDateTime = t.Server.Time.GetUtcNow(),
            });
            db.RecipientAddresses.AddRange(RecipientAddresses.Rows(fabrikam.Id, theirContact, RecipientType.Contact, ["SMTP:theirs@example.com"]));
            await db.SaveChangesAsync(Cancel);
        }

        await AssertErrorAsync(() => t.Graph.Contacts[theirContact.ToString()].GetAsync(cancellationToken: Cancel), 404, "Request_ResourceNotFound",
            $"Resource '{theirContact}' does not exist or one of its queried reference-property objects are not present.");
        Assert.Empty((await t.Graph.Contacts.GetAsync(cancellationToken: Cancel))!.Value!);
        var http = t.Http();
        Assert.Equal(HttpStatusCode.NotFound, (await http.AddAddressAsync("users", theirUser.Id, "smtp:x@contoso.com")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.AddAddressAsync("contacts", theirContact, "smtp:x@example.com")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/api/users/{theirUser.Id}/licenseErrors", Cancel)).StatusCode);
        // Uniqueness is per tenant: the same address is free here.
        await t.ContactAsync("Ours", "THEIRS@example.com");
    }

    [Theory, AllStores]
    public async Task Deleting_a_user_or_a_group_frees_its_addresses(StoreKind kind)
    {
        await using var t = await StartAsync(kind, ("ENTERPRISEPACK", 5));
        var user = await t.AddUserAsync("nestor");
        await t.AssignAsync(user.Id, [E3]);
        var group = await t.Graph.Groups.PostAsync(new Microsoft.Graph.Models.Group
        {
            DisplayName = "Sales", MailNickname = "sales", MailEnabled = true, SecurityEnabled = true, GroupTypes = ["Unified"],
        }, cancellationToken: Cancel);
        await AssertClashAsync(await t.Http().CreateContactAsync("Copy", "sales@contoso.com"), Guid.Parse(group!.Id!), "Group", "Sales");

        await t.AssignAsync(user.Id, [], E3);
        await t.Graph.Users[user.Id.ToString()].DeleteAsync(cancellationToken: Cancel);
        await t.Graph.Groups[group.Id].DeleteAsync(cancellationToken: Cancel);

        await t.ContactAsync("Was a user", "nestor@contoso.onmicrosoft.com");
        await t.ContactAsync("Was a group", "sales@contoso.com");
    }
}
