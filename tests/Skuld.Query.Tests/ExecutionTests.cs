using Microsoft.EntityFrameworkCore;
using Skuld.Testing;

namespace Skuld.Query.Tests;

/// <summary>The same filters run as SQL on SQLite and on PostgreSQL.</summary>
public sealed class ExecutionTests
{
    private const string Adele = "adele@contoso.com";
    private const string Ben = "ben@contoso.com";
    private const string Chloe = "chloé@contoso.com";
    private const string Dan = "dan@contoso.com";
    private const string X = "x@contoso.com";

    public static IEnumerable<object[]> Cases
    {
        get
        {
        (string Filter, bool Advanced, string[] Expected)[] cases =
        [
            ("assignedLicenses/any(x:x/skuId eq 06ebc4ee-1bb5-47dd-8120-11324bc54e06)", false, [Adele]),
            // Chloé holds E3 (ActiveWithError counts); Ben's E3 is in Error; Fabrikam's Adele holds E3 in the other tenant.
            ("assignedLicenses/any(x:x/skuId eq 05e9a617-0261-4cee-bb44-138d3ef5d965)", false, [Chloe]),
            ("assignedLicenses/any(x:x/skuId eq 06ebc4ee-1bb5-47dd-8120-11324bc54e06 or x/skuId eq 05e9a617-0261-4cee-bb44-138d3ef5d965)", false, [Adele, Chloe]),
            ("assignedLicenses/$count eq 0", true, [Ben, Dan, X]),
            ("assignedLicenses/$count ne 0", true, [Adele, Chloe]),
            ("not(assignedLicenses/any(x:x/skuId eq 06ebc4ee-1bb5-47dd-8120-11324bc54e06))", true, [Ben, Chloe, Dan, X]),
            ("userType eq 'Member'", false, [Adele, Chloe, Dan, X]),
            ("userType eq 'guest'", false, [Ben]),
            ("accountEnabled eq false", false, [Ben]),
            ("usageLocation eq 'us'", false, [Adele, Dan]),
            ("usageLocation eq null", false, [Ben, X]),
            ("usageLocation ne null", true, [Adele, Chloe, Dan]),
            ("userType ne 'Member'", true, [Ben]),
            ("userPrincipalName eq 'ADELE@CONTOSO.COM'", false, [Adele]),
            // The UPN key column is upper-cased in .NET, so non-ASCII letters match on SQLite too.
            ("userPrincipalName eq 'CHLOÉ@contoso.com'", false, [Chloe]),
            ("startsWith(userPrincipalName,'AD')", false, [Adele]),
            ("endsWith(userPrincipalName,'@CONTOSO.com')", true, [Adele, Ben, Chloe, Dan, X]),
            ("displayName eq 'adele vance'", false, [Adele]),
            ("startswith(displayName,'d')", false, [Dan]),
            ("mail eq 'adele@CONTOSO.com'", false, [Adele]),
            ("startsWith(mail,'a')", false, [Adele]),
            ("proxyAddresses/any(x:x eq 'smtp:av@contoso.com')", false, [Adele]),
            ("proxyAddresses/any(x:startsWith(x,'SMTP:ADELE'))", false, [Adele]),
            ("proxyAddresses/$count eq 0", true, [Ben, Chloe, Dan, X]),
            // By the address table's key: prefix case and address case don't matter, the prefix itself does.
            ("proxyAddresses/any(x:x eq 'SMTP:AV@Contoso.COM')", false, [Adele]),
            ("proxyAddresses/any(x:x eq 'smtp:adele@contoso.com')", false, [Adele]),
            ("proxyAddresses/any(x:x eq 'av@contoso.com')", false, []),
            ("proxyAddresses/any(x:x eq 'sip:ADELE@contoso.com')", false, [Adele]),
            ("proxyAddresses/any(x:x eq 'smtp:sip:adele@contoso.com')", false, []),
            ("proxyAddresses/any(x:x eq 'x500:av@contoso.com')", false, []),
            ("proxyAddresses/any(x:x eq 'smtp:nobody@contoso.com' or 'smtp:av@contoso.com' eq x)", false, [Adele]),
            ("proxyAddresses/any(x:startsWith(x,'smtp:av'))", false, [Adele]),
            ("proxyAddresses/any(x:startsWith(x,'sip:'))", false, [Adele]),
            ("proxyAddresses/any(x:startsWith(x,'s'))", false, [Adele]),
            ("proxyAddresses/any(x:startsWith(x,'x500:'))", false, []),
            // Quarantined addresses are not the recipient's proxyAddresses; another tenant's rows never match.
            ("proxyAddresses/any(x:x eq 'smtp:dj@contoso.com')", false, []),
            ("proxyAddresses/any(x:x eq 'smtp:adele@fabrikam.com')", false, []),
            // LIKE and GLOB characters are literal.
            ("proxyAddresses/any(x:startsWith(x,'smtp:a_'))", false, []),
            ("proxyAddresses/any(x:startsWith(x,'smtp:%'))", false, []),
            ("proxyAddresses/any(x:x eq 'smtp:*@contoso.com')", false, []),
            ("proxyAddresses/any(x:x eq 'smtp:av@contoso.com'' or 1=1 --')", false, []),
            ("id eq '" + "PLACEHOLDER_DAN" + "'", false, [Dan]),
            ("userType eq 'Member' and (usageLocation eq 'FR' or startsWith(displayName,'A'))", false, [Adele, Chloe]),
            ("usageLocation in ('fr', 'gb')", false, [Chloe]),
            ("displayName eq 'x'' or 1=1 --'", false, [X]),
            ("displayName eq 'nobody'' or ''1''=''1'", false, []),
        ];
        var data = new List<object[]>();
        foreach (var kind in new[] { StoreKind.Sqlite, StoreKind.Postgres })
        {
            foreach (var (filter, advanced, expected) in cases)
            {
                data.Add([kind, filter.Replace("PLACEHOLDER_DAN", TestDirectory.Id(Dan).ToString(), StringComparison.Ordinal), advanced, expected]);
            }
        }

        return data;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Filter_selects_the_tenants_matching_users(StoreKind kind, string filter, bool advanced, string[] expected)
    {
        await using var directory = await TestDirectory.CreateAsync(kind);

        var upns = await directory.UpnsAsync(Requests.Filter(filter, advanced ? "$count=true" : ""), eventual: advanced);

        Assert.Equal(expected.Order(StringComparer.Ordinal), upns);
    }

    [Theory]
    [AllStores]
    public async Task Count_is_the_filtered_total_on_the_first_page_only(StoreKind kind)
    {
        await using var directory = await TestDirectory.CreateAsync(kind);

        var first = (await directory.UsersAsync(Requests.Filter("assignedLicenses/$count eq 0", "$count=true&$top=2"), eventual: true)).Value!; // Why '!': asserted by the next lines.
        var second = (await directory.UsersAsync(new Uri(first.NextLink!).Query.TrimStart('?'), eventual: true)).Value!; // Why '!': a second page exists.

        Assert.Equal((3L, 2), (first.Count, first.Items.Count));
        Assert.Equal((null, 1, null), (second.Count, second.Items.Count, second.NextLink));
    }

    [Theory]
    [AllStores]
    public async Task Paging_by_id_visits_every_user_once_in_id_order(StoreKind kind)
    {
        await using var directory = await TestDirectory.CreateAsync(kind, Extra(20));

        var pages = await AllPagesAsync(directory, "$select=id&$top=3");

        var ids = pages.SelectMany(p => p).Select(u => u.Id).ToList();
        Assert.Equal(25, ids.Count);
        Assert.Equal(25, ids.Distinct().Count());
        Assert.Equal(9, pages.Count);
    }

    [Theory]
    [AllStores]
    public async Task Paging_sorted_by_display_name_is_case_insensitive_and_stable_over_ties(StoreKind kind)
    {
        // Ties on displayName must be broken by id, or a page boundary inside a tie loses or repeats users.
        await using var directory = await TestDirectory.CreateAsync(kind, Extra(20));

        var ascending = (await AllPagesAsync(directory, "$orderby=displayName&$top=4")).SelectMany(p => p).ToList();
        var descending = (await AllPagesAsync(directory, "$orderby=displayName desc&$top=4")).SelectMany(p => p).ToList();

        Assert.Equal(25, ascending.Select(u => u.Id).Distinct().Count());
        Assert.Equal(ascending.Select(u => u.DisplayName.ToUpperInvariant()), ascending.Select(u => u.DisplayName.ToUpperInvariant()).Order(StringComparer.Ordinal));
        Assert.Equal(ascending.Select(u => u.Id).Reverse(), descending.Select(u => u.Id));
    }

    [Theory]
    [AllStores]
    public async Task Next_link_is_the_full_url_with_the_other_options(StoreKind kind)
    {
        await using var directory = await TestDirectory.CreateAsync(kind);

        var page = (await directory.UsersAsync("$select=id,displayName&$top=2")).Value!; // Why '!': no error for this query.

        Assert.StartsWith("https://skuld.example/v1.0/users?$select=id,displayName&$top=2&$skiptoken=", page.NextLink, StringComparison.Ordinal);
    }

    [Theory]
    [AllStores]
    public async Task Filter_values_reach_the_database_as_parameters_never_as_sql_text(StoreKind kind)
    {
        await using var directory = await TestDirectory.CreateAsync(kind);
        await using var db = directory.Store.NewDb();
        var query = Requests.Parsed(Requests.Filter(
            "displayName eq 'nobody'' or 1=1 --' or assignedLicenses/any(x:x/skuId eq 06ebc4ee-1bb5-47dd-8120-11324bc54e06)"));

        var sql = Server.Graph.Query.CollectionQueryExecutor.Filter(query, db.Users.Where(u => u.TenantId == TestDirectory.Contoso), db).ToQueryString();

        // ToQueryString writes the parameters first, then the statement.
        var split = sql.IndexOf("SELECT", StringComparison.Ordinal);
        var (parameters, statement) = (sql[..split], sql[split..]);
        Assert.Contains("NOBODY", parameters, StringComparison.Ordinal);
        Assert.DoesNotContain("NOBODY", statement, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("06ebc4ee", statement, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("EXISTS", statement, StringComparison.Ordinal);
    }

    private static async Task<List<IReadOnlyList<Store.Directory.User>>> AllPagesAsync(TestDirectory directory, string query)
    {
        var pages = new List<IReadOnlyList<Store.Directory.User>>();
        for (var next = query; next is not null;)
        {
            var page = await directory.UsersAsync(next);
            Assert.True(page.Error is null, page.Error?.Message);
            pages.Add(page.Value!.Items); // Why '!': no error means a value.
            next = page.Value.NextLink is { } link ? new Uri(link).Query.TrimStart('?') : null;
            Assert.True(pages.Count < 100, "paging never ends");
        }

        return pages;
    }

    /// <summary>Users whose display names tie in pairs and differ only in case.</summary>
    private static Store.Directory.User[] Extra(int count) =>
        [.. Enumerable.Range(0, count).Select(i => TestDirectory.User($"user{i}@contoso.com", i % 2 == 0 ? $"user {i / 2}" : $"User {i / 2}", _ => { }))];
}
