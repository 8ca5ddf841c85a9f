using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Skuld.Server.Tests.Infrastructure;
using Skuld.Store.Auth;
using Skuld.Store.Directory;
using Skuld.Store.Licensing;
using Skuld.Testing;

namespace Skuld.Server.Tests.Security;

/// <summary>The roles of the matrix, plus a principal that holds none.</summary>
public enum Role
{
    GlobalAdministrator,
    UserAdministrator,
    LicenseAdministrator,
    GroupsAdministrator,
    GlobalReader,
    ReportsReader,
    None,
}

/// <summary>Who signs in: an admin account (password grant) or an app registration (client credentials).</summary>
public enum Principal
{
    User,
    App,
}

/// <summary>
/// One server with two tenants: the home tenant (contoso.com) with a user and an app per <see cref="Role"/>
/// and a subscription, and another tenant (fabrikam.com) with a licensed user, whose objects the home
/// tenant's callers must never see. Built once per store kind and test class, because signing every
/// principal in costs far more than the requests under test; rows add their own target users.
/// </summary>
public sealed class SecurityWorld : IAsyncDisposable
{
    /// <summary>Microsoft Entra ID P1 (AAD_PREMIUM): a user-assignable product with no plan prerequisites.</summary>
    public static readonly Guid Sku = new("078d2b04-f1bd-4111-bbd4-b4b1b354cef4");

    /// <summary>AAD_PREMIUM, a service plan of <see cref="Sku"/>.</summary>
    public static readonly Guid SkuPlan = new("41781fb2-bc02-4b7c-bd55-b576c07bb09d");

    /// <summary>Microsoft Power BI Pro: a real product neither tenant has bought.</summary>
    public static readonly Guid UnboughtSku = new("f8a1db68-be16-40ed-86d5-cb42ce701560");

    /// <summary>EXCHANGE_S_ENTERPRISE: a real service plan that is not part of <see cref="Sku"/>.</summary>
    public static readonly Guid ForeignPlan = new("efb87545-963c-4e0d-99df-69c6916d9eb0");

    private readonly ConcurrentDictionary<(Role, Principal), Lazy<Task<HttpClient>>> clients = new();
    private readonly ConcurrentDictionary<string, Lazy<Task<object>>> once = new();

    private SecurityWorld(SkuldServer server, Tenant home, Tenant other)
    {
        Server = server;
        Home = home;
        Other = other;
    }

    public SkuldServer Server { get; }
    public Tenant Home { get; }
    public Tenant Other { get; }
    public Dictionary<Role, User> Users { get; } = [];
    public Dictionary<Role, TestDirectory.App> Apps { get; } = [];

    /// <summary>The other tenant's licensed user.</summary>
    public User OtherUser { get; private set; } = null!;

    public static async Task<SecurityWorld> CreateAsync(StoreKind kind)
    {
        var server = await SkuldServer.StartAsync(kind);
        var home = await server.AddTenantAsync("contoso.com");
        var other = await server.AddTenantAsync("fabrikam.com");
        var world = new SecurityWorld(server, home, other);
        foreach (var role in Enum.GetValues<Role>())
        {
            DirectoryRole[] roles = role == Role.None ? [] : [Enum.Parse<DirectoryRole>(role.ToString())];
            var user = await server.AddUserAsync(home, $"{role.ToString().ToLowerInvariant()}", roles: roles);
            world.Users[role] = user;
            world.Apps[role] = await server.AddAppAsync(home, $"{role} app", roles);
        }

        await using (var db = server.NewDb())
        {
            // Every caller account can be licensed through /me/assignLicense.
            await db.Users.Where(u => u.TenantId == home.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.UsageLocation, "US"));
            await SubscriptionUnits.AddAsync(db, home.Id, Sku, 10_000, server.Time, CancellationToken.None);
            await SubscriptionUnits.AddAsync(db, other.Id, Sku, 10, server.Time, CancellationToken.None);
        }

        world.OtherUser = await world.AddTargetAsync(other, "victim");
        var otherAdmin = await server.AddUserAsync(other, "admin", roles: DirectoryRole.GlobalAdministrator);
        var otherClient = server.CreateClient(await server.CreateClient().UserTokenAsync(other.Domain, otherAdmin.UserPrincipalName));
        var assigned = await otherClient.PostAsync(
            $"/v1.0/users/{world.OtherUser.Id}/assignLicense",
            Json($$"""{"addLicenses":[{"skuId":"{{Sku}}"}],"removeLicenses":[]}"""));
        Assert.True(assigned.IsSuccessStatusCode, await assigned.Content.ReadAsStringAsync());
        return world;
    }

    /// <summary>A client signed in as the role's user or app (one per role and principal, reused).</summary>
    public Task<HttpClient> ClientAsync(Role role, Principal principal) =>
        clients.GetOrAdd((role, principal), key => new(async () =>
        {
            var anonymous = Server.CreateClient();
            var token = key.Item2 == Principal.User
                ? await anonymous.UserTokenAsync(Home.Domain, Users[key.Item1].UserPrincipalName)
                : await anonymous.AppTokenAsync(Home.Domain, Apps[key.Item1]);
            return Server.CreateClient(token);
        })).Value;

    /// <summary>A user to act on: usage location US, no password, no role, no license.</summary>
    public async Task<User> AddTargetAsync(Tenant tenant, string name)
    {
        var user = new User
        {
            TenantId = tenant.Id,
            Id = Guid.NewGuid(),
            UserPrincipalName = $"{name}-{Guid.NewGuid():N}@{tenant.Domain}",
            DisplayName = name,
            MailNickname = name,
            UsageLocation = "US",
            CreatedDateTime = Server.Time.GetUtcNow(),
        };
        await using var db = Server.NewDb();
        db.Users.Add(user);
        await db.SaveChangesAsync();
        return user;
    }

    /// <summary>Makes something once per world (seed data a test class shares), then returns it.</summary>
    public async Task<T> OnceAsync<T>(string key, Func<Task<T>> make)
        where T : class =>
        (T)await once.GetOrAdd(key, _ => new(async () => await make())).Value;

    public static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    public async ValueTask DisposeAsync()
    {
        foreach (var client in clients.Values.Where(c => c.IsValueCreated))
        {
            (await client.Value).Dispose();
        }

        await Server.DisposeAsync();
    }
}

/// <summary>
/// A class fixture holding one <see cref="SecurityWorld"/> per store kind, made on first use (so a
/// SQLite-only run never starts PostgreSQL).
/// </summary>
public sealed class SecurityWorlds : IAsyncDisposable
{
    private readonly ConcurrentDictionary<StoreKind, Lazy<Task<SecurityWorld>>> worlds = new();

    public Task<SecurityWorld> GetAsync(StoreKind kind) =>
        worlds.GetOrAdd(kind, k => new(() => SecurityWorld.CreateAsync(k))).Value;

    public async ValueTask DisposeAsync()
    {
        foreach (var world in worlds.Values.Where(w => w.IsValueCreated && w.Value.IsCompletedSuccessfully))
        {
            await (await world.Value).DisposeAsync();
        }
    }
}
