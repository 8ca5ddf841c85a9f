using Skuld.Store.Recipients;
using Skuld.Testing;

namespace Skuld.Store.Tests.Recipients;

public sealed class RecipientSearchTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record World(TestStore Store, Guid Contoso, Guid Fabrikam, Guid Bob, Guid Sales, Guid Vendor) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Store.DisposeAsync();
    }

    /// <summary>Contoso: user Bob, group Sales, contact Vendor, plus addresses with LIKE/GLOB characters; Fabrikam holds look-alikes.</summary>
    private static async Task<World> WorldAsync(StoreKind kind)
    {
        var store = await TestStore.CreateAsync(kind, Ct);
        await using var db = store.NewDb();
        var contoso = await Recipients.TenantAsync(db, "contoso.com");
        var fabrikam = await Recipients.TenantAsync(db, "fabrikam.com");
        var bob = await Recipients.UserAsync(db, contoso, "Bob Kelly", "SMTP:Bob@Contoso.com", "smtp:bob@sales.contoso.com", "smtp:bk@contoso.onmicrosoft.com", "SIP:bob@contoso.com");
        var sales = await Recipients.GroupAsync(db, contoso, "Sales", "SMTP:sales@contoso.com", "smtp:bobs-team@contoso.com");
        var vendor = await Recipients.ContactAsync(db, contoso, "Vendor Bob", "SMTP:bob@vendor.example");
        await Recipients.UserAsync(db, contoso, "Underscore", "SMTP:a_b@contoso.com");
        await Recipients.UserAsync(db, contoso, "Percent", "SMTP:a%b@contoso.com");
        await Recipients.UserAsync(db, contoso, "Plain", "SMTP:axb@contoso.com");
        await Recipients.UserAsync(db, contoso, "Bracket", "SMTP:[a]b@contoso.com");
        await Recipients.UserAsync(db, fabrikam, "Other Bob", "SMTP:bob@contoso.com.fabrikam.example", "smtp:bob@fabrikam.com");
        // Same keys as Contoso's in another tenant: allowed there, never visible from Contoso.
        await Recipients.ContactAsync(db, fabrikam, "Fabrikam's Bob", "SMTP:bob@contoso.com", "smtp:sales@contoso.com");
        return new World(store, contoso, fabrikam, bob, sales, vendor);
    }

    private static async Task<RecipientSearchPage> FindAsync(World world, string pattern, int? top = null, string? skipToken = null, Guid? tenant = null)
    {
        await using var db = world.Store.NewDb();
        var result = await RecipientSearch.FindAsync(db, tenant ?? world.Contoso, pattern, top, skipToken, Ct);
        Assert.True(result.Error is null, result.Error?.Message);
        return result.Page!;
    }

    private static async Task<string[]> MatchedAsync(World world, string pattern) =>
        [.. (await FindAsync(world, pattern)).Items.Select(i => i.MatchedAddress)];

    [Theory, AllStores]
    public async Task Exact_search_ignores_case_and_prefix_and_lists_the_holder_with_every_address(StoreKind kind)
    {
        await using var world = await WorldAsync(kind);

        foreach (var text in new[] { "bob@contoso.com", "BOB@CONTOSO.COM", "SMTP:bob@contoso.com", "smtp:Bob@Contoso.Com" })
        {
            var page = await FindAsync(world, text);

            var hit = Assert.Single(page.Items);
            Assert.Equal(RecipientSearchMode.Exact, page.Mode);
            Assert.Equal((world.Bob, RecipientType.User, "Bob Kelly", "SMTP:Bob@Contoso.com", false), (hit.ObjectId, hit.Type, hit.DisplayName, hit.MatchedAddress, hit.Quarantined));
            Assert.Equal(["SMTP:Bob@Contoso.com", "smtp:bk@contoso.onmicrosoft.com", "smtp:bob@sales.contoso.com", "SIP:bob@contoso.com"], hit.Addresses.Select(a => a.Address));
            Assert.Equal([true, false, false, false], hit.Addresses.Select(a => a.IsPrimary));
            Assert.Null(page.SkipToken);
        }

        Assert.Equal(["SIP:bob@contoso.com"], await MatchedAsync(world, "sip:BOB@contoso.com"));
        Assert.Empty(await MatchedAsync(world, "bob@contoso.co"));
    }

    [Theory, AllStores]
    public async Task Each_type_is_found_with_its_name(StoreKind kind)
    {
        await using var world = await WorldAsync(kind);

        var group = Assert.Single((await FindAsync(world, "sales@contoso.com")).Items);
        var contact = Assert.Single((await FindAsync(world, "bob@vendor.example")).Items);

        Assert.Equal((world.Sales, RecipientType.Group, "Sales"), (group.ObjectId, group.Type, group.DisplayName));
        Assert.Equal((world.Vendor, RecipientType.Contact, "Vendor Bob"), (contact.ObjectId, contact.Type, contact.DisplayName));
    }

    [Theory, AllStores]
    public async Task Prefix_domain_and_wildcard_searches_match_in_key_order(StoreKind kind)
    {
        await using var world = await WorldAsync(kind);

        Assert.Equal(["SMTP:Bob@Contoso.com", "smtp:bob@sales.contoso.com", "SMTP:bob@vendor.example", "smtp:bobs-team@contoso.com"], await MatchedAsync(world, "BOB*"));
        Assert.Equal(RecipientSearchMode.Domain, (await FindAsync(world, "@contoso.com")).Mode);
        Assert.Equal(
            ["SMTP:[a]b@contoso.com", "SMTP:a%b@contoso.com", "SMTP:a_b@contoso.com", "SMTP:axb@contoso.com", "SMTP:Bob@Contoso.com", "smtp:bobs-team@contoso.com", "SMTP:sales@contoso.com"],
            await MatchedAsync(world, "@Contoso.COM"));
        Assert.Equal(await MatchedAsync(world, "@contoso.com"), await MatchedAsync(world, "*@contoso.com"));
        Assert.Equal(["smtp:bob@sales.contoso.com"], await MatchedAsync(world, "@sales.contoso.com"));
        Assert.Equal(["SMTP:Bob@Contoso.com", "smtp:bob@sales.contoso.com"], await MatchedAsync(world, "b*b@*contoso.*"));
        Assert.Equal(["smtp:bk@contoso.onmicrosoft.com"], await MatchedAsync(world, "b?@contoso.*"));
        Assert.Equal(["SMTP:Bob@Contoso.com"], await MatchedAsync(world, "B?B@contoso.*"));
        Assert.Equal(["SIP:bob@contoso.com"], await MatchedAsync(world, "sip:*"));
        Assert.Equal(11, (await FindAsync(world, "*")).Items.Count);
    }

    [Theory, AllStores]
    public async Task Sql_wildcard_characters_in_input_are_literal(StoreKind kind)
    {
        await using var world = await WorldAsync(kind);

        Assert.Equal(["SMTP:a_b@contoso.com"], await MatchedAsync(world, "a_b*"));
        Assert.Equal(["SMTP:a%b@contoso.com"], await MatchedAsync(world, "a%*"));
        Assert.Equal(["SMTP:a_b@contoso.com"], await MatchedAsync(world, "a_b@*.com"));
        Assert.Equal(["SMTP:[a]b@contoso.com"], await MatchedAsync(world, "[a]*"));
        Assert.Equal(["SMTP:[a]b@contoso.com"], await MatchedAsync(world, "[a]?@contoso.com"));
        Assert.Equal(["SMTP:a%b@contoso.com", "SMTP:a_b@contoso.com", "SMTP:axb@contoso.com"], await MatchedAsync(world, "a?b@contoso.com"));
        Assert.Empty(await MatchedAsync(world, "%"));
        Assert.Empty(await MatchedAsync(world, "_*"));
        Assert.Empty(await MatchedAsync(world, "a[x]b*"));
        // No literal prefix, so only the pattern filter decides: GLOB's [ and LIKE's _ and % must stay literal there.
        Assert.Empty(await MatchedAsync(world, "*[x]b@contoso.com"));
        Assert.Equal(["SMTP:a_b@contoso.com"], await MatchedAsync(world, "*_b@contoso.com"));
        Assert.Equal(["SMTP:a%b@contoso.com"], await MatchedAsync(world, "*%b@contoso.com"));
        Assert.Empty(await MatchedAsync(world, "x'or'1'='1*"));
        Assert.Empty(await MatchedAsync(world, "\\*"));
    }

    [Theory, AllStores]
    public async Task Another_tenants_recipients_are_never_found(StoreKind kind)
    {
        await using var world = await WorldAsync(kind);

        Assert.All((await FindAsync(world, "*")).Items, i => Assert.NotEqual("Fabrikam's Bob", i.DisplayName));
        Assert.DoesNotContain("smtp:bob@fabrikam.com", await MatchedAsync(world, "bob*"));
        Assert.DoesNotContain("SMTP:bob@contoso.com.fabrikam.example", await MatchedAsync(world, "bob@contoso.com*"));
        var theirs = await FindAsync(world, "bob@contoso.com", tenant: world.Fabrikam);
        Assert.Equal("Fabrikam's Bob", Assert.Single(theirs.Items).DisplayName);
        // Their object's address list holds only their rows.
        Assert.Equal(["SMTP:bob@contoso.com", "smtp:sales@contoso.com"], theirs.Items[0].Addresses.Select(a => a.Address));
    }

    [Theory, AllStores]
    public async Task Pages_follow_each_other_by_key_until_the_last(StoreKind kind)
    {
        await using var world = await WorldAsync(kind);
        await using (var db = world.Store.NewDb())
        {
            for (var i = 0; i < 23; i++)
            {
                await Recipients.ContactAsync(db, world.Contoso, $"Paged {i:D2}", $"SMTP:Paged{i:D2}@Paging.example");
            }
        }

        foreach (var pattern in new[] { "@paging.example", "paged*", "p?ged*@paging.*" })
        {
            var seen = new List<string>();
            string? token = null;
            var pages = 0;
            do
            {
                var page = await FindAsync(world, pattern, top: 10, skipToken: token);
                seen.AddRange(page.Items.Select(i => i.DisplayName));
                token = page.SkipToken;
                pages++;
                Assert.True(token is null || page.Items.Count == 10);
            }
            while (token is not null);

            Assert.Equal(3, pages);
            Assert.Equal(Enumerable.Range(0, 23).Select(i => $"Paged {i:D2}"), seen);
        }
    }

    [Theory, AllStores]
    public async Task Bad_input_is_an_error_with_a_code_not_an_exception(StoreKind kind)
    {
        await using var world = await WorldAsync(kind);
        await using var db = world.Store.NewDb();

        async Task<string?> CodeAsync(string pattern, int? top = null, string? token = null) =>
            (await RecipientSearch.FindAsync(db, world.Contoso, pattern, top, token, Ct)).Error?.Code;

        Assert.Equal("invalid_pattern", await CodeAsync(""));
        Assert.Equal("invalid_pattern", await CodeAsync("@"));
        Assert.Equal("invalid_pattern", await CodeAsync("bob @contoso.com"));
        Assert.Equal("invalid_pattern", await CodeAsync("a\0b"));
        Assert.Equal("invalid_pattern", await CodeAsync(new string('*', 9) + "x"));
        Assert.Equal("invalid_top", await CodeAsync("bob*", top: 0));
        Assert.Equal("invalid_top", await CodeAsync("bob*", top: RecipientSearch.MaxTop + 1));
        Assert.Equal("invalid_skip_token", await CodeAsync("bob*", token: "not a token!"));
        Assert.Equal("invalid_skip_token", await CodeAsync("bob*", token: "AA"));
        Assert.Null(await CodeAsync("bob*", top: RecipientSearch.MaxTop));
    }
}
