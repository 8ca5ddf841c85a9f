using Skuld.Licensing.Engine;
using Skuld.Server.Graph.Query;
using Skuld.Store.Directory;
using Skuld.Store.Licensing;
using Skuld.Store.Recipients;
using Skuld.Testing;

namespace Skuld.Query.Tests;

/// <summary>A small directory of two tenants, written into a fresh store for one test.</summary>
internal sealed class TestDirectory : IAsyncDisposable
{
    public static readonly Guid Contoso = Guid.Parse("10000000-0000-0000-0000-000000000001");
    public static readonly Guid Fabrikam = Guid.Parse("20000000-0000-0000-0000-000000000002");
    public static readonly Guid E5 = Guid.Parse("06ebc4ee-1bb5-47dd-8120-11324bc54e06");
    public static readonly Guid E3 = Guid.Parse("05e9a617-0261-4cee-bb44-138d3ef5d965");
    public static readonly Guid SomeGroup = Guid.Parse("30000000-0000-0000-0000-000000000003");

    private static readonly DateTimeOffset Created = new(2025, 1, 6, 12, 0, 0, TimeSpan.Zero);

    private TestDirectory(TestStore store) => Store = store;

    public TestStore Store { get; }

    public static async Task<TestDirectory> CreateAsync(StoreKind kind, params User[] extraUsers)
    {
        var directory = new TestDirectory(await TestStore.CreateAsync(kind));
        await using var db = directory.Store.NewDb();
        db.Tenants.AddRange(Tenant(Contoso, "contoso.com"), Tenant(Fabrikam, "fabrikam.com"));
        db.Users.AddRange(
            User("adele@contoso.com", "Adele Vance", u =>
            {
                u.Mail = "Adele@contoso.com";
                u.UsageLocation = "US";
                u.ProxyAddresses = ["SMTP:Adele@contoso.com", "smtp:av@contoso.com"];
            }),
            User("ben@contoso.com", "Ben Walters", u => (u.UserType, u.AccountEnabled) = ("Guest", false)),
            User("chloé@contoso.com", "Chloé Ünal", u => u.UsageLocation = "FR"),
            User("dan@contoso.com", "Dan Jump", u => u.UsageLocation = "US"),
            User("x@contoso.com", "x' or 1=1 --", _ => { }),
            // Same user id in another tenant, holding E3 there: must never leak into Contoso's answers.
            new User
            {
                TenantId = Fabrikam, Id = Id("adele@contoso.com"), UserPrincipalName = "adele@fabrikam.com",
                DisplayName = "Adele Vance", CreatedDateTime = Created,
            });
        db.Users.AddRange(extraUsers);
        // The address table is what proxyAddresses filters read; the same object id in Fabrikam holds an address there.
        db.RecipientAddresses.AddRange(
            Address(Contoso, "adele@contoso.com", "SMTP:Adele@contoso.com"),
            Address(Contoso, "adele@contoso.com", "smtp:av@contoso.com"),
            Address(Contoso, "adele@contoso.com", "SIP:adele@contoso.com"),
            Address(Fabrikam, "adele@contoso.com", "SMTP:adele@fabrikam.com"),
            Address(Contoso, "dan@contoso.com", "smtp:dj@contoso.com", quarantined: true));
        db.LicenseAssignments.AddRange(
            License(Contoso, "adele@contoso.com", E5, LicenseAssignment.Direct, LicenseState.Active),
            License(Contoso, "ben@contoso.com", E3, SomeGroup, LicenseState.Error),
            License(Contoso, "ben@contoso.com", E5, LicenseAssignment.Direct, LicenseState.Disabled),
            License(Contoso, "chloé@contoso.com", E3, SomeGroup, LicenseState.ActiveWithError),
            License(Contoso, "chloé@contoso.com", E3, LicenseAssignment.Direct, LicenseState.Active),
            License(Fabrikam, "adele@contoso.com", E3, LicenseAssignment.Direct, LicenseState.Active));
        await db.SaveChangesAsync();
        return directory;
    }

    /// <summary>Parses the request and runs it against Contoso's users, as the /users handler does.</summary>
    public async Task<QueryResult<Page<User>>> UsersAsync(string query, bool eventual = false)
    {
        var parsed = UserQuery.Parse(Requests.Users(query, eventual));
        if (parsed.Error is { } error)
        {
            return error;
        }

        await using var db = Store.NewDb();
        return await UserQuery.ExecuteAsync(parsed.Value!, db.Users.Where(u => u.TenantId == Contoso), db, CancellationToken.None); // Why '!': no error means a value.
    }

    public async Task<string[]> UpnsAsync(string query, bool eventual = false)
    {
        var page = await UsersAsync(query, eventual);
        Assert.True(page.Error is null, $"{page.Error?.Code}: {page.Error?.Message}");
        return [.. page.Value!.Items.Select(u => u.UserPrincipalName).Order(StringComparer.Ordinal)]; // Why '!': no error means a value.
    }

    /// <summary>Deterministic ids, so tests can name users by UPN.</summary>
    public static Guid Id(string upn) => new(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(upn)).AsSpan(0, 16));

    public static User User(string upn, string displayName, Action<User> shape)
    {
        var user = new User { TenantId = Contoso, Id = Id(upn), UserPrincipalName = upn, DisplayName = displayName, CreatedDateTime = Created };
        shape(user);
        return user;
    }

    private static Tenant Tenant(Guid id, string domain) => new()
    {
        Id = id, DisplayName = domain, Domain = domain, InitialDomain = domain.Replace(".com", ".onmicrosoft.com", StringComparison.Ordinal),
        CountryLetterCode = "US", CreatedDateTime = Created,
    };

    private static LicenseAssignment License(Guid tenant, string upn, Guid sku, Guid source, LicenseState state) => new()
    {
        TenantId = tenant, UserId = Id(upn), SkuId = sku, SourceId = source, State = state,
        AssignedDateTime = Created, LastUpdatedDateTime = Created,
    };

    private static RecipientAddress Address(Guid tenant, string upn, string text, bool quarantined = false)
    {
        var address = ProxyAddress.TryParse(text)!; // Why '!': the texts above are valid.
        return new RecipientAddress
        {
            TenantId = tenant, AddressKey = address.Key, Address = text, Domain = address.Domain, ObjectId = Id(upn),
            ObjectType = RecipientType.User, IsPrimary = address.IsPrimary, Quarantined = quarantined,
        };
    }

    public ValueTask DisposeAsync() => Store.DisposeAsync();
}
