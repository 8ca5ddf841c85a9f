using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Users.Item.AssignLicense;
using Skuld.Testing;
using static Skuld.Server.Tests.Graph.GraphTestTenant;

namespace Skuld.Server.Tests.Graph;

/// <summary><c>GET /v1.0/users</c> with <c>$top</c>, paging and the filters licensing scripts use, through the Graph SDK.</summary>
public sealed class UserListingTests
{
    [Theory, AllStores]
    public async Task Paging_with_top_10_over_26_users_visits_each_once_in_3_pages(StoreKind kind)
    {
        await using var t = await StartAsync(kind);
        var seeded = await t.AddUsersAsync(Enumerable.Range(1, 25).Select(i => $"page{i:D2}"));

        var first = await t.Graph.Users.GetAsync(r => r.QueryParameters.Top = 10, Cancel);
        var visited = new List<string>();
        var pages = 1;
        var iterator = PageIterator<User, UserCollectionResponse>.CreatePageIterator(
            t.Graph, first!, user =>
            {
                visited.Add(user.Id!);
                return true;
            },
            request =>
            {
                pages++;
                return request;
            });
        await iterator.IterateAsync(Cancel);

        Assert.Equal(10, first!.Value!.Count);
        Assert.NotNull(first.OdataNextLink);
        // The next link keeps the query as the client encoded it ($ as %24 from the SDK).
        Assert.StartsWith("http://localhost/v1.0/users?$top=10&$skiptoken=", Uri.UnescapeDataString(first.OdataNextLink));
        Assert.Equal(3, pages);
        Assert.Equal(26, visited.Count);
        Assert.Equal(
            seeded.Select(u => u.Id).Append(t.Admin.Id).Select(id => id.ToString("D")).Order(),
            visited.Order());
    }

    [Theory, AllStores]
    public async Task Following_next_links_by_hand_gives_pages_of_10_10_and_6(StoreKind kind)
    {
        await using var t = await StartAsync(kind);
        await t.AddUsersAsync(Enumerable.Range(1, 25).Select(i => $"hand{i:D2}"));

        var sizes = new List<int>();
        var ids = new HashSet<string>();
        var page = await t.Graph.Users.GetAsync(r => r.QueryParameters.Top = 10, Cancel);
        while (true)
        {
            sizes.Add(page!.Value!.Count);
            Assert.All(page.Value, u => Assert.True(ids.Add(u.Id!), $"{u.Id} seen twice"));
            if (page.OdataNextLink is not { } next)
            {
                break;
            }

            page = await t.Graph.Users.WithUrl(next).GetAsync(cancellationToken: Cancel);
        }

        Assert.Equal([10, 10, 6], sizes);
        Assert.Equal(26, ids.Count);
    }

    [Theory, AllStores]
    public async Task Filter_any_assigned_license_sku_finds_its_holders(StoreKind kind)
    {
        await using var t = await StartAsync(kind, ("ENTERPRISEPACK", 5), ("EMS", 5));
        var (e3, ems) = (Sku("ENTERPRISEPACK"), Sku("EMS"));
        var (anna, ben, cleo) = (await t.AddUserAsync("anna"), await t.AddUserAsync("ben"), await t.AddUserAsync("cleo"));
        await AssignAsync(t, anna, e3);
        await AssignAsync(t, ben, e3, ems);
        await AssignAsync(t, cleo, ems);

        var holders = await t.Graph.Users.GetAsync(r =>
        {
            r.QueryParameters.Filter = $"assignedLicenses/any(x:x/skuId eq {e3})";
            r.QueryParameters.Select = ["userPrincipalName", "assignedLicenses"];
        }, Cancel);

        Assert.Equal(["anna@contoso.com", "ben@contoso.com"], holders!.Value!.Select(u => u.UserPrincipalName).Order());
        Assert.Equal([[e3], [e3, ems]],
            holders.Value!.OrderBy(u => u.UserPrincipalName).Select(u => u.AssignedLicenses!.Select(l => l.SkuId!.Value).Order().ToArray()));
    }

    [Theory, AllStores]
    public async Task Filter_unlicensed_users_with_count_eq_0_is_an_advanced_query_with_odata_count(StoreKind kind)
    {
        await using var t = await StartAsync(kind, ("ENTERPRISEPACK", 5));
        var e3 = Sku("ENTERPRISEPACK");
        var licensed = await t.AddUserAsync("licensed");
        await t.AddUsersAsync(["free1", "free2"]);
        await AssignAsync(t, licensed, e3);

        var unlicensed = await t.Graph.Users.GetAsync(r =>
        {
            r.QueryParameters.Filter = "assignedLicenses/$count eq 0";
            r.QueryParameters.Count = true;
            r.Headers.Add("ConsistencyLevel", "eventual");
        }, Cancel);

        Assert.Equal(3, unlicensed!.OdataCount);
        Assert.Equal(["admin@contoso.com", "free1@contoso.com", "free2@contoso.com"], unlicensed.Value!.Select(u => u.UserPrincipalName).Order());
    }

    [Theory, AllStores]
    public async Task Advanced_query_without_the_consistency_header_is_unsupported(StoreKind kind)
    {
        await using var t = await StartAsync(kind);

        await AssertErrorAsync(
            () => t.Graph.Users.GetAsync(r => r.QueryParameters.Filter = "assignedLicenses/$count eq 0", Cancel),
            400, "Request_UnsupportedQuery", "Unsupported Query.");
        await AssertErrorAsync(
            () => t.Graph.Users.GetAsync(r => r.QueryParameters.Filter = "endsWith(userPrincipalName,'@contoso.com')", Cancel),
            400, "Request_UnsupportedQuery", "Unsupported Query.");
    }

    [Theory, AllStores]
    public async Task Count_without_the_consistency_header_is_refused(StoreKind kind)
    {
        await using var t = await StartAsync(kind);

        await AssertErrorAsync(
            () => t.Graph.Users.GetAsync(r => r.QueryParameters.Count = true, Cancel),
            400, "Request_BadRequest", "$count is not currently supported.");
    }

    [Theory, AllStores]
    public async Task Filter_starts_with_user_principal_name_ignores_case(StoreKind kind)
    {
        await using var t = await StartAsync(kind);
        await t.AddUsersAsync(["sales.amy", "sales.bob", "support.cat"]);

        var sales = await t.Graph.Users.GetAsync(r => r.QueryParameters.Filter = "startsWith(userPrincipalName,'SALES.')", Cancel);

        Assert.Equal(["sales.amy@contoso.com", "sales.bob@contoso.com"], sales!.Value!.Select(u => u.UserPrincipalName).Order());
    }

    [Theory, AllStores]
    public async Task Filter_on_usage_location_account_enabled_and_user_type(StoreKind kind)
    {
        await using var t = await StartAsync(kind);
        var users = new[]
        {
            t.NewUser("us.member", "US"),
            t.NewUser("us.guest", "US"),
            t.NewUser("gb.disabled", "GB"),
            t.NewUser("nowhere", null),
        };
        users[1].UserType = "Guest";
        users[2].AccountEnabled = false;
        await using (var db = t.NewDb())
        {
            db.Users.AddRange(users);
            await db.SaveChangesAsync(Cancel);
        }

        Assert.Equal(["us.guest", "us.member"], await NamesAsync(t, "usageLocation eq 'US'"));
        Assert.Equal(["gb.disabled"], await NamesAsync(t, "accountEnabled eq false"));
        Assert.Equal(["us.guest"], await NamesAsync(t, "userType eq 'Guest'"));
        Assert.Equal(["admin", "gb.disabled", "nowhere", "us.member"], await NamesAsync(t, "userType eq 'Member'"));
        Assert.Equal(["us.member"], await NamesAsync(t, "usageLocation eq 'US' and userType eq 'Member'"));
        Assert.Equal(["gb.disabled", "us.guest"], await NamesAsync(t, "accountEnabled eq false or userType eq 'Guest'"));
        Assert.Equal(["gb.disabled", "us.member"],
            await NamesAsync(t, "(usageLocation eq 'US' or usageLocation eq 'GB') and userType eq 'Member'"));
    }

    private static async Task<string[]> NamesAsync(GraphTestTenant t, string filter)
    {
        var page = await t.Graph.Users.GetAsync(r => r.QueryParameters.Filter = filter, Cancel);
        return [.. page!.Value!.Select(u => u.DisplayName!).Order()];
    }

    private static Task<User?> AssignAsync(GraphTestTenant t, Store.Directory.User user, params Guid[] skus) =>
        t.Graph.Users[user.Id.ToString()].AssignLicense.PostAsync(
            new AssignLicensePostRequestBody { AddLicenses = [.. skus.Select(s => new AssignedLicense { SkuId = s })], RemoveLicenses = [] },
            cancellationToken: Cancel);
}
