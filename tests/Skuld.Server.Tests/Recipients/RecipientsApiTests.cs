using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Skuld.Server.Tests.Audit;
using Skuld.Server.Tests.Infrastructure;
using Skuld.Store.Auth;
using Skuld.Store.Recipients;
using Skuld.Testing;

namespace Skuld.Server.Tests.Recipients;

/// <summary>GET /api/recipients, GET /api/recipients/duplicates and POST /api/contacts/import on the real server.</summary>
public sealed class RecipientsApiTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private sealed record World(SkuldServer Server, HttpClient Admin, Guid Bob, Guid Sales, Guid Vendor);

    private static async Task<World> WorldAsync(SkuldServer server)
    {
        var contoso = await server.AddTenantAsync("contoso.com");
        var fabrikam = await server.AddTenantAsync("fabrikam.com");
        await server.AddUserAsync(contoso, "admin", roles: DirectoryRole.GlobalAdministrator);
        var bob = await server.AddRecipientAsync(contoso, RecipientType.User, "Bob Kelly", "SMTP:Bob@contoso.com", "smtp:bob@sales.contoso.com");
        var sales = await server.AddRecipientAsync(contoso, RecipientType.Group, "Sales", "SMTP:sales@contoso.com", "smtp:team@contoso.com");
        var vendor = await server.AddRecipientAsync(contoso, RecipientType.Contact, "Vendor", "SMTP:vendor@vendor.example");
        await server.AddRecipientAsync(fabrikam, RecipientType.Contact, "Fabrikam's Bob", "SMTP:bob@contoso.com", "smtp:theirs@contoso.com");
        var token = await server.CreateClient().UserTokenAsync("contoso.com", "admin@contoso.com");
        return new World(server, server.CreateClient(token), bob, sales, vendor);
    }

    private static async Task<JsonElement> OkAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    [Theory, AllStores]
    public async Task Search_lists_each_match_with_type_name_and_every_address(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var world = await WorldAsync(server);

        var exact = await OkAsync(await world.Admin.GetAsync("/api/recipients?address=" + Uri.EscapeDataString("smtp:BOB@Contoso.COM"), Cancel));

        Assert.Equal("exact", exact.GetProperty("mode").GetString());
        var hit = Assert.Single(exact.GetProperty("value").EnumerateArray());
        Assert.Equal(world.Bob, hit.GetProperty("id").GetGuid());
        Assert.Equal("user", hit.GetProperty("type").GetString());
        Assert.Equal("Bob Kelly", hit.GetProperty("displayName").GetString());
        Assert.Equal("SMTP:Bob@contoso.com", hit.GetProperty("matchedAddress").GetString());
        Assert.Equal(
            [("SMTP:Bob@contoso.com", true), ("smtp:bob@sales.contoso.com", false)],
            hit.GetProperty("addresses").EnumerateArray().Select(a => (a.GetProperty("address").GetString(), a.GetProperty("isPrimary").GetBoolean())));

        var domain = await OkAsync(await world.Admin.GetAsync("/api/recipients?address=@contoso.com&top=2", Cancel));
        Assert.Equal("domain", domain.GetProperty("mode").GetString());
        Assert.Equal(["user", "group"], domain.GetProperty("value").EnumerateArray().Select(v => v.GetProperty("type").GetString()));
        var next = await OkAsync(await world.Admin.GetAsync(domain.GetProperty("nextLink").GetString(), Cancel));
        Assert.Equal(["smtp:team@contoso.com"], next.GetProperty("value").EnumerateArray().Select(v => v.GetProperty("matchedAddress").GetString()));
        Assert.Equal(JsonValueKind.Null, next.GetProperty("skipToken").ValueKind);

        var contact = await OkAsync(await world.Admin.GetAsync("/api/recipients?address=v*r@*.example", Cancel));
        Assert.Equal(("wildcard", "contact", "Vendor"), (contact.GetProperty("mode").GetString(),
            contact.GetProperty("value")[0].GetProperty("type").GetString(), contact.GetProperty("value")[0].GetProperty("displayName").GetString()));
        // Fabrikam's look-alikes are not Contoso's recipients.
        var mine = await OkAsync(await world.Admin.GetAsync("/api/recipients?address=*", Cancel));
        Assert.DoesNotContain("Fabrikam's Bob", mine.GetProperty("value").EnumerateArray().Select(v => v.GetProperty("displayName").GetString()));
        Assert.Equal(5, mine.GetProperty("value").GetArrayLength());
    }

    [Theory, AllStores]
    public async Task Bad_search_input_is_a_problem_with_a_code_never_a_500(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var world = await WorldAsync(server);

        foreach (var (query, code) in new[]
        {
            ("", "invalid_pattern"),
            ("?address=", "invalid_pattern"),
            ("?address=@", "invalid_pattern"),
            ("?address=a%20b", "invalid_pattern"),
            ("?address=a%00b", "invalid_pattern"),
            ("?address=" + new string('*', 9) + "a", "invalid_pattern"),
            ("?address=" + new string('a', 1025), "invalid_pattern"),
            ("?address=bob*&top=0", "invalid_top"),
            ("?address=bob*&top=abc", "invalid_top"),
            ("?address=bob*&top=1001", "invalid_top"),
            ("?address=bob*&skipToken=%25%25", "invalid_skip_token"),
            ("?address=a&address=b", "invalid_query"),
        })
        {
            var response = await world.Admin.GetAsync("/api/recipients" + query, Cancel);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Cancel);
            Assert.Equal(code, problem.GetProperty("code").GetString());
            Assert.Equal($"urn:skuld:problem:{code}", problem.GetProperty("type").GetString());
        }

        foreach (var hostile in new[] { "%", "_*", "';DROP_TABLE_users;--", "[a-z]*", "\\*", "*%*" })
        {
            var found = await OkAsync(await world.Admin.GetAsync("/api/recipients?address=" + Uri.EscapeDataString(hostile), Cancel));
            Assert.Empty(found.GetProperty("value").EnumerateArray());
        }

        await using var db = server.NewDb();
        Assert.Equal(2, await db.Users.CountAsync(Cancel));
    }

    [Theory, AllStores]
    public async Task Readers_of_the_directory_may_search_and_others_may_not(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var world = await WorldAsync(server);
        var contoso = await server.NewDb().Tenants.SingleAsync(t => t.Domain == "contoso.com", Cancel);
        await server.AddUserAsync(contoso, "reader", roles: DirectoryRole.GlobalReader);
        await server.AddUserAsync(contoso, "reports", roles: DirectoryRole.ReportsReader);
        var reader = server.CreateClient(await server.CreateClient().UserTokenAsync("contoso.com", "reader@contoso.com"));
        var reports = server.CreateClient(await server.CreateClient().UserTokenAsync("contoso.com", "reports@contoso.com"));

        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/api/recipients?address=bob*", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync("/api/recipients/duplicates", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reports.GetAsync("/api/recipients?address=bob*", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reports.GetAsync("/api/recipients/duplicates", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.CreateClient().GetAsync("/api/recipients?address=bob*", Cancel)).StatusCode);
        var import = new { contacts = new[] { new { displayName = "X", mail = "x@vendor.example" } } };
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PostAsJsonAsync("/api/contacts/import", import, Cancel)).StatusCode);
        await using var db = server.NewDb();
        Assert.Equal(2, await db.OrgContacts.CountAsync(Cancel));
    }

    [Theory, AllStores]
    public async Task Import_with_clashes_quarantines_and_the_duplicate_report_names_both_objects(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var world = await WorldAsync(server);

        var imported = await OkAsync(await world.Admin.PostAsJsonAsync("/api/contacts/import", new
        {
            contacts = new object[]
            {
                new { displayName = "Bob look-alike", mail = "BOB@contoso.com", proxyAddresses = new[] { "smtp:bob2@vendor.example" } },
                new { displayName = "Fresh", mail = "fresh@vendor.example" },
            },
        }, Cancel));

        Assert.Equal((2, 1), (imported.GetProperty("created").GetInt32(), imported.GetProperty("quarantinedAddresses").GetInt32()));
        var quarantined = imported.GetProperty("contacts")[0].GetProperty("quarantined")[0];
        Assert.Equal((world.Bob, "Bob Kelly"), (quarantined.GetProperty("heldById").GetGuid(), quarantined.GetProperty("heldByDisplayName").GetString()));

        var report = await OkAsync(await world.Admin.GetAsync("/api/recipients/duplicates", Cancel));
        var duplicate = Assert.Single(report.GetProperty("value").EnumerateArray());
        Assert.Equal("bob@contoso.com", duplicate.GetProperty("address").GetString());
        Assert.Equal(
            [("Bob Kelly", "user", false), ("Bob look-alike", "contact", true)],
            duplicate.GetProperty("holders").EnumerateArray().Select(h =>
                (h.GetProperty("displayName").GetString(), h.GetProperty("type").GetString(), h.GetProperty("quarantined").GetBoolean())));

        var bad = await world.Admin.PostAsync("/api/contacts/import", new StringContent("{\"contacts\": [{\"displayName\": \"\"}]}", System.Text.Encoding.UTF8, "application/json"), Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("invalid_rows", (await bad.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("code").GetString());
        var broken = await world.Admin.PostAsync("/api/contacts/import", new StringContent("{\"contacts\": [", System.Text.Encoding.UTF8, "application/json"), Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        Assert.Equal("invalid_body", (await broken.Content.ReadFromJsonAsync<JsonElement>(Cancel)).GetProperty("code").GetString());
        await using var db = server.NewDb();
        Assert.Equal(4, await db.OrgContacts.CountAsync(Cancel));
    }

    [Theory, AllStores]
    public async Task Graph_filters_users_and_groups_on_proxy_addresses_through_the_sdk(StoreKind kind)
    {
        await using var server = await SkuldServer.StartAsync(kind);
        var world = await WorldAsync(server);
        var graph = await server.GraphForUserAsync("contoso.com", "admin@contoso.com");

        async Task<string[]> UsersAsync(string filter) =>
            [.. (await graph.Users.GetAsync(r => r.QueryParameters.Filter = filter, Cancel))!.Value!.Select(u => u.Id ?? "")];

        async Task<string[]> GroupsAsync(string filter) =>
            [.. (await graph.Groups.GetAsync(r => r.QueryParameters.Filter = filter, Cancel))!.Value!.Select(g => g.Id ?? "")];

        var bob = world.Bob.ToString();
        Assert.Equal([bob], await UsersAsync("proxyAddresses/any(x:x eq 'smtp:bob@contoso.com')"));
        Assert.Equal([bob], await UsersAsync("proxyAddresses/any(x:x eq 'SMTP:BOB@SALES.CONTOSO.COM')"));
        Assert.Equal([bob], await UsersAsync("proxyAddresses/any(x:startswith(x,'smtp:bob@s'))"));
        Assert.Empty(await UsersAsync("proxyAddresses/any(x:x eq 'bob@contoso.com')"));
        // A contact and another tenant's contact hold look-alikes; neither is a user of Contoso.
        Assert.Empty(await UsersAsync("proxyAddresses/any(x:x eq 'smtp:vendor@vendor.example')"));
        Assert.Empty(await UsersAsync("proxyAddresses/any(x:x eq 'smtp:theirs@contoso.com')"));

        var sales = world.Sales.ToString();
        Assert.Equal([sales], await GroupsAsync("proxyAddresses/any(x:x eq 'smtp:TEAM@contoso.com')"));
        Assert.Equal([sales], await GroupsAsync("proxyAddresses/any(x:startswith(x,'SMTP:sal') or x eq 'smtp:none@contoso.com')"));
        Assert.Empty(await GroupsAsync("proxyAddresses/any(x:x eq 'smtp:bob@contoso.com')"));
    }
}
