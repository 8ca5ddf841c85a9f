using System.Net;
using System.Net.Http.Json;
using Skuld.Server.Tests.Infrastructure;
using Skuld.Store.Auth;
using Skuld.Testing;
using static Skuld.Server.Tests.Graph.GraphTestTenant;
using static Skuld.Server.Tests.Recipients.RecipientKit;

namespace Skuld.Server.Tests.Recipients;

/// <summary>Organisational contacts: native create, Graph read (orgContact shape), and Graph keeping proxyAddresses read-only.</summary>
public sealed class ContactsTests
{
    [Theory, AllStores]
    public async Task A_contact_created_natively_is_read_through_graph_in_the_org_contact_shape(StoreKind kind)
    {
        await using var t = await StartAsync(kind);
        var response = await t.Http().PostAsJsonAsync("/api/contacts", new
        {
            displayName = "Adele (Fabrikam)", mail = "adele@fabrikam.com", companyName = "Fabrikam",
            proxyAddresses = new[] { "smtp:adele.vance@fabrikam.com", "SIP:adele@fabrikam.com" },
        }, Cancel);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await response.JsonAsync()).GetProperty("id").GetString();

        var contact = await t.Graph.Contacts[id].GetAsync(cancellationToken: Cancel);
        Assert.Equal(("Adele (Fabrikam)", "adele@fabrikam.com", "Fabrikam", "adele"),
            (contact!.DisplayName, contact.Mail, contact.CompanyName, contact.MailNickname));
        Assert.Equal(["SMTP:adele@fabrikam.com", "smtp:adele.vance@fabrikam.com", "SIP:adele@fabrikam.com"], contact.ProxyAddresses!);

        var list = await t.Graph.Contacts.GetAsync(cancellationToken: Cancel);
        Assert.Equal([id], list!.Value!.Select(c => c.Id));
        var missing = Guid.NewGuid().ToString();
        await AssertErrorAsync(() => t.Graph.Contacts[missing].GetAsync(cancellationToken: Cancel), 404, "Request_ResourceNotFound",
            $"Resource '{missing}' does not exist or one of its queried reference-property objects are not present.");
    }

    [Theory, AllStores]
    public async Task Contacts_are_paged_with_a_next_link(StoreKind kind)
    {
        await using var t = await StartAsync(kind);
        for (var i = 0; i < 5; i++)
        {
            await t.ContactAsync($"Contact {i}", $"c{i}@fabrikam.com");
        }

        var first = await t.Graph.Contacts.GetAsync(r => r.QueryParameters.Top = 2, Cancel);
        var ids = first!.Value!.Select(c => c.Id).ToList();
        var next = first.OdataNextLink;
        while (next is not null)
        {
            var page = await t.Graph.Contacts.WithUrl(next).GetAsync(cancellationToken: Cancel);
            ids.AddRange(page!.Value!.Select(c => c.Id));
            next = page.OdataNextLink;
        }

        Assert.Equal(5, ids.Distinct().Count());
    }

    [Theory, AllStores]
    public async Task Readers_read_contacts_and_only_user_administrators_create_them(StoreKind kind)
    {
        await using var t = await StartAsync(kind);
        await t.ContactAsync("Partner", "partner@fabrikam.com");
        await t.Server.AddUserAsync(t.Tenant, "reader", roles: DirectoryRole.GlobalReader);
        await t.Server.AddUserAsync(t.Tenant, "reports", roles: DirectoryRole.ReportsReader);
        var reader = t.ClientFor(await t.Server.CreateClient().UserTokenAsync(Domain, "reader@contoso.com"));
        var reports = t.ClientFor(await t.Server.CreateClient().UserTokenAsync(Domain, "reports@contoso.com"));

        Assert.Single((await reader.Contacts.GetAsync(cancellationToken: Cancel))!.Value!);
        await AssertErrorAsync(() => reports.Contacts.GetAsync(cancellationToken: Cancel), 403, "Authorization_RequestDenied",
            "Insufficient privileges to complete the operation.");
        var readerHttp = t.Server.CreateClient(await t.Server.CreateClient().UserTokenAsync(Domain, "reader@contoso.com"));
        Assert.Equal(HttpStatusCode.Forbidden, (await readerHttp.CreateContactAsync("Nope", "nope@fabrikam.com")).StatusCode);
    }

    [Theory, AllStores]
    public async Task Invalid_contacts_are_refused_with_a_clear_problem(StoreKind kind)
    {
        await using var t = await StartAsync(kind);
        var http = t.Http();

        foreach (var (body, code) in new (object Body, string Code)[]
        {
            (new { displayName = "", mail = "a@fabrikam.com" }, "invalid_display_name"),
            (new { displayName = "A", mail = "not an address" }, "invalid_mail"),
            (new { displayName = "A", mail = "a@fabrikam.com", proxyAddresses = new[] { "nocolon" } }, "invalid_proxy_address"),
            (new { displayName = "A", mail = "a@fabrikam.com", proxyAddresses = new[] { "SMTP:b@fabrikam.com" } }, "two_primary_addresses"),
        })
        {
            var response = await http.PostAsJsonAsync("/api/contacts", body, Cancel);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal(code, (await response.JsonAsync()).GetProperty("code").GetString());
        }

        Assert.Empty((await t.Graph.Contacts.GetAsync(cancellationToken: Cancel))!.Value!);
    }

    [Theory, AllStores]
    public async Task Graph_refuses_to_write_proxy_addresses(StoreKind kind)
    {
        await using var t = await StartAsync(kind);
        var user = await t.AddUserAsync("ann");

        await AssertErrorAsync(
            () => t.Graph.Users[user.Id.ToString()].PatchAsync(new Microsoft.Graph.Models.User { ProxyAddresses = ["SMTP:ann@contoso.com"] }, cancellationToken: Cancel),
            400, "Request_BadRequest", "Property 'proxyAddresses' is read-only and cannot be set.");

        Assert.Equal(Addresses(null), await t.AddressesAsync(user.Id));
    }

    [Theory, AllStores]
    public async Task Admins_add_and_remove_addresses_natively_and_the_primary_cannot_be_removed(StoreKind kind)
    {
        await using var t = await StartAsync(kind);
        var user = await t.AddUserAsync("ann");
        var http = t.Http();

        Assert.Equal(HttpStatusCode.OK, (await http.AddAddressAsync("users", user.Id, "SMTP:ann@contoso.com")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.AddAddressAsync("users", user.Id, "smtp:a.v@contoso.com")).StatusCode);
        Assert.Equal(Addresses("ann@contoso.com", "SMTP:ann@contoso.com", "smtp:a.v@contoso.com"), await t.AddressesAsync(user.Id));

        var foreign = await http.AddAddressAsync("users", user.Id, "smtp:ann@fabrikam.com");
        Assert.Equal((HttpStatusCode.BadRequest, "domain_not_verified"), (foreign.StatusCode, (await foreign.JsonAsync()).GetProperty("code").GetString()));
        var primary = await http.DeleteAsync($"/api/users/{user.Id}/proxyAddresses/SMTP:ann@contoso.com", Cancel);
        Assert.Equal((HttpStatusCode.BadRequest, "primary_address"), (primary.StatusCode, (await primary.JsonAsync()).GetProperty("code").GetString()));

        Assert.Equal(HttpStatusCode.OK, (await http.DeleteAsync($"/api/users/{user.Id}/proxyAddresses/smtp:A.V@contoso.com", Cancel)).StatusCode);
        Assert.Equal(Addresses("ann@contoso.com", "SMTP:ann@contoso.com"), await t.AddressesAsync(user.Id));
        // The removed address is free again.
        var other = await t.AddUserAsync("bob");
        Assert.Equal(HttpStatusCode.OK, (await http.AddAddressAsync("users", other.Id, "smtp:a.v@contoso.com")).StatusCode);
    }
}
