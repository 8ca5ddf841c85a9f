using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Skuld.Server.Tests.Groups;
using Skuld.Server.Tests.Infrastructure;
using Skuld.Store.Audit;
using Skuld.Store.Auth;
using Skuld.Store.Directory;
using Skuld.Store.Licensing;
using Skuld.Testing;

namespace Skuld.Server.Tests.Security.CrossTenant;

/// <summary>
/// One server with two tenants. A (contoso.com) is the caller's: a Global Administrator user and app, a
/// licensed user and a group. B (fabrikam.com) is the victim: an admin, a directly licensed user, a group
/// licensed with a product only B has bought (one seat for two members, so one member is in error), an app,
/// and the audit events all that wrote. Built once per store kind: signing in and group processing cost far
/// more than the requests under test, and no request under test may change anything of B's.
/// </summary>
public sealed class CrossTenantWorld : IAsyncDisposable
{
    /// <summary>AAD_PREMIUM: both tenants have bought it.</summary>
    public static readonly Guid SharedSku = SecurityWorld.Sku;

    /// <summary>The group test product (GroupTestKit.SkuId): only B has it.</summary>
    public static readonly Guid OnlyBSku = GroupTestKit.SkuId;

    public const string VictimName = "Fabrikam Victim";
    public const string OtherMemberName = "Fabrikam Bystander";
    public const string GroupName = "Fabrikam Finance";
    public const string AppName = "Fabrikam Payroll";
    public const string ContactName = "Litware Accounts Desk";
    /// <summary>B's contact's address: an outside domain, so it is a marker of its own (not caught by "fabrikam").</summary>
    public const string ContactMail = "ap-desk@litware.example";
    /// <summary>Secondary addresses B gave its victim and its group (through the native API).</summary>
    public const string UserAlias = "smtp:vic.alias@fabrikam.com";
    public const string GroupAlias = "smtp:finance-team@fabrikam.com";

    private readonly ConcurrentDictionary<Principal, Lazy<Task<HttpClient>>> clients = new();
    private readonly ConcurrentDictionary<string, bool> aOwnAddresses = new(StringComparer.OrdinalIgnoreCase);

    private CrossTenantWorld(SkuldServer server) => Server = server;

    public SkuldServer Server { get; }
    public required Tenant A { get; init; }
    public required Tenant B { get; init; }
    public required User AAdmin { get; init; }
    public required TestDirectory.App AApp { get; init; }
    public required User AUser { get; init; }
    public required Guid AGroup { get; init; }
    public required User BAdmin { get; init; }
    public required User BVictim { get; init; }
    public required User BBystander { get; init; }
    public required Guid BGroup { get; init; }
    public required TestDirectory.App BApp { get; init; }
    /// <summary>B's organisational contact (<see cref="ContactName"/>, <see cref="ContactMail"/>).</summary>
    public required Guid BContact { get; init; }
    /// <summary>B's audit events (ids and correlation ids), as written while building the world.</summary>
    public required IReadOnlyList<AuditEvent> BEvents { get; init; }

    /// <summary>One of B's events about its victim, written by B's admin.</summary>
    public AuditEvent BEvent => BEvents.First(e => e.InitiatedByUserId == BAdmin.Id && (e.TargetId == BVictim.Id || e.Targets.Any(t => t.TargetId == BVictim.Id)));

    public static async Task<CrossTenantWorld> CreateAsync(StoreKind kind)
    {
        var server = await SkuldServer.StartAsync(kind);
        var a = await server.AddTenantAsync("contoso.com");
        var b = await server.AddTenantAsync("fabrikam.com");
        var aAdmin = await server.AddUserAsync(a, "admin", roles: DirectoryRole.GlobalAdministrator);
        var aApp = await server.AddAppAsync(a, "Contoso automation", DirectoryRole.GlobalAdministrator);
        var bAdmin = await server.AddUserAsync(b, "admin", roles: DirectoryRole.GlobalAdministrator);
        var bApp = await server.AddAppAsync(b, AppName, DirectoryRole.GlobalAdministrator);
        await using (var db = server.NewDb())
        {
            await SubscriptionUnits.AddAsync(db, a.Id, SharedSku, 100, server.Time, CancellationToken.None);
            await SubscriptionUnits.AddAsync(db, b.Id, SharedSku, 100, server.Time, CancellationToken.None);
            // Retention set in both, so a purge that reached the wrong tenant would have something to act on.
            await AuditRetention.SetAsync(db, a.Id, 3650, CancellationToken.None);
            await AuditRetention.SetAsync(db, b.Id, 1, CancellationToken.None);
        }

        await server.AddProductAsync(b, units: 1);

        // A: through Graph, as A's admin, so A has its own events, memberships and licenses.
        var asA = server.CreateClient(await server.CreateClient().UserTokenAsync(a.Domain, aAdmin.UserPrincipalName));
        var aUser = await CreateUserAsync(server, asA, $"alex@{a.Domain}", "Alex Contoso");
        await SendAsync(asA, HttpMethod.Post, $"/v1.0/users/{aUser.Id}/assignLicense", Licenses(SharedSku));
        var aGroup = await CreateGroupAsync(asA, "Contoso Sales");
        await SendAsync(asA, HttpMethod.Post, $"/v1.0/groups/{aGroup}/members/$ref", Reference(aUser.Id));

        // B: the same kinds of objects, and a group license that leaves one member in CountViolation.
        var asB = server.CreateClient(await server.CreateClient().UserTokenAsync(b.Domain, bAdmin.UserPrincipalName));
        var victim = await CreateUserAsync(server, asB, $"victim@{b.Domain}", VictimName);
        var bystander = await CreateUserAsync(server, asB, $"bystander@{b.Domain}", OtherMemberName);
        await SendAsync(asB, HttpMethod.Post, $"/v1.0/users/{victim.Id}/assignLicense", Licenses(SharedSku));
        var bGroup = await CreateGroupAsync(asB, GroupName);
        await SendAsync(asB, HttpMethod.Post, $"/v1.0/groups/{bGroup}/members/$ref", Reference(victim.Id));
        await SendAsync(asB, HttpMethod.Post, $"/v1.0/groups/{bGroup}/members/$ref", Reference(bystander.Id));
        await SendAsync(asB, HttpMethod.Post, $"/v1.0/groups/{bGroup}/assignLicense", Licenses(OnlyBSku));
        await WaitForProcessingAsync(server, b.Id);
        // B's recipients: a contact, and secondary addresses on its user and group, for the recipient endpoints.
        var bContact = (await SendAsync(asB, HttpMethod.Post, "/api/contacts", new JsonObject
        {
            ["displayName"] = ContactName,
            ["mail"] = ContactMail,
        })).GetProperty("id").GetGuid();
        await SendAsync(asB, HttpMethod.Post, $"/api/users/{victim.Id}/proxyAddresses", new JsonObject { ["address"] = UserAlias });
        await SendAsync(asB, HttpMethod.Post, $"/api/groups/{bGroup}/proxyAddresses", new JsonObject { ["address"] = GroupAlias });

        await using var reader = server.NewDb();
        var errors = await reader.LicenseAssignments.CountAsync(r => r.TenantId == b.Id && r.SourceId == bGroup && r.State == Skuld.Licensing.Engine.LicenseState.Error);
        Assert.Equal(1, errors);
        var events = await reader.AuditEvents.AsNoTracking().Include(e => e.Targets).Where(e => e.TenantId == b.Id).ToListAsync();
        return new CrossTenantWorld(server)
        {
            A = a, B = b, AAdmin = aAdmin, AApp = aApp, AUser = aUser, AGroup = aGroup,
            BAdmin = bAdmin, BVictim = victim, BBystander = bystander, BGroup = bGroup, BApp = bApp, BContact = bContact, BEvents = events,
        };
    }

    /// <summary>A's Global Administrator, signed in as the user or as the app (one client each, reused).</summary>
    public Task<HttpClient> ClientAsync(Principal principal) =>
        clients.GetOrAdd(principal, p => new(async () =>
        {
            var anonymous = Server.CreateClient();
            var token = p == Principal.User
                ? await anonymous.UserTokenAsync(A.Domain, AAdmin.UserPrincipalName)
                : await anonymous.AppTokenAsync(A.Domain, AApp);
            return Server.CreateClient(token);
        })).Value;

    /// <summary>The bearer token of <see cref="ClientAsync"/>, for the Graph SDK.</summary>
    public async Task<string> TokenAsync(Principal principal) =>
        (await ClientAsync(principal)).DefaultRequestHeaders.Authorization!.Parameter!; // Why '!': ClientAsync always sets a bearer token.

    /// <summary>The values a template names: <c>{bUser}</c>, <c>{bUpn}</c>, … (see <see cref="Placeholders"/>).</summary>
    public string Resolve(string template)
    {
        var text = template;
        foreach (var (name, value) in Placeholders())
        {
            text = text.Replace("{" + name + "}", value, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("{b", text, StringComparison.Ordinal);
        Assert.DoesNotContain("{a", text, StringComparison.Ordinal);
        return text;
    }

    private IEnumerable<(string Name, string Value)> Placeholders() =>
    [
        ("bUser", BVictim.Id.ToString()),
        ("bUpn", BVictim.UserPrincipalName),
        ("bBystander", BBystander.Id.ToString()),
        ("bAdminUpn", BAdmin.UserPrincipalName),
        ("bAdmin", BAdmin.Id.ToString()),
        ("bGroup", BGroup.ToString()),
        ("bContactMail", ContactMail),
        ("bContact", BContact.ToString()),
        ("bUserAlias", UserAlias),
        ("bGroupAlias", GroupAlias),
        ("bTenant", B.Id.ToString()),
        ("bDomain", B.Domain),
        ("bSku", OnlyBSku.ToString()),
        ("sku", SharedSku.ToString()),
        ("bEventGuid", BEvent.Id.ToString()),
        ("bEvent", "Directory_" + BEvent.Id),
        ("bCorrelation", BEvent.CorrelationId.ToString()),
        ("bAppId", BApp.Registration.AppId.ToString()),
        ("bAppObject", BApp.Registration.Id.ToString()),
        ("aUser", AUser.Id.ToString()),
        ("aGroup", AGroup.ToString()),
        ("aTenant", A.Id.ToString()),
        ("aDomain", A.Domain),
        ("aAdminUpn", AAdmin.UserPrincipalName),
        ("aAppId", AApp.Registration.AppId.ToString()),
        ("aAppSecret", AApp.Secret),
        ("password", TestDirectory.Password),
        ("unique", Guid.NewGuid().ToString("N")),
        ("at", Uri.EscapeDataString(Server.Time.GetUtcNow().AddMinutes(1).ToString("O", CultureInfo.InvariantCulture))),
    ];

    /// <summary>
    /// Every identifier and name of B that a response to A must never hold: ids of its tenant, users, group, app
    /// and events, their names and principal names, B's domain, and the name of the product only B has. (Not that
    /// product's SKU id: it is a catalogue id, and A's own refused attempt to assign it is rightly in A's audit log.)
    /// </summary>
    public IReadOnlyList<string> BMarkers() =>
    [
        B.Id.ToString(), B.Domain, "fabrikam",
        BAdmin.Id.ToString(), BVictim.Id.ToString(), BBystander.Id.ToString(), BGroup.ToString(),
        BApp.Registration.Id.ToString(), BApp.Registration.AppId.ToString(), AppName,
        VictimName, OtherMemberName, GroupName, "SKULD_GROUPS", "Skuld group test product",
        BContact.ToString(), ContactName, ContactMail, "vic.alias", "finance-team",
        .. BEvents.SelectMany(e => new[] { e.Id.ToString(), e.CorrelationId.ToString() }),
    ];

    /// <summary>
    /// Fails when <paramref name="body"/> holds one of B's markers that the request itself did not send (an error
    /// may repeat the id it was asked for, as Graph's 404 does; it must add nothing of B's).
    /// </summary>
    public void AssertHoldsNothingOfB(string body, string sent, string what)
    {
        // A's own recipients may hold addresses in B's domain (a contact's address is any mailbox outside the
        // tenant): those exact addresses are A's data, not B's.
        foreach (var own in aOwnAddresses.Keys)
        {
            body = body.Replace(own, "", StringComparison.OrdinalIgnoreCase);
        }

        foreach (var marker in BMarkers().Distinct())
        {
            if (sent.Contains(marker, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            Assert.False(body.Contains(marker, StringComparison.OrdinalIgnoreCase), $"{what}: the response holds B's '{marker}': {Shorten(body)}");
        }
    }

    /// <summary>Records the addresses a request of A's stored in A (a created or imported contact's), see <see cref="AssertHoldsNothingOfB"/>.</summary>
    public void AddAOwnAddresses(string sentBody)
    {
        foreach (System.Text.RegularExpressions.Match match in System.Text.RegularExpressions.Regex.Matches(sentBody, @"[A-Za-z0-9._+-]+@[A-Za-z0-9.-]+"))
        {
            aOwnAddresses[match.Value] = true;
        }
    }

    /// <summary>
    /// Every row of every table that belongs to B (a <c>tenant_id</c> column equal to B's id, or B's tenant row),
    /// read with plain SQL from the model's own table list, so a table added later is covered without a change here.
    /// </summary>
    public async Task<IReadOnlyList<string>> SnapshotOfBAsync()
    {
        await using var db = Server.NewDb();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        var rows = new List<string>();
        var sqlite = Server.Store.Kind == StoreKind.Sqlite;
        foreach (var entity in db.Model.GetEntityTypes().Where(e => e.GetTableName() is not null).OrderBy(e => e.GetTableName()))
        {
            var table = entity.GetTableName()!; // Why '!': filtered on above.
            var column = entity.ClrType == typeof(Tenant) ? "id"
                : entity.GetProperties().FirstOrDefault(p => p.Name == "TenantId")?.GetColumnName();
            if (column is null)
            {
                continue;
            }

            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM {table} WHERE {column} = @b";
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@b";
            parameter.Value = sqlite ? B.Id.ToString("D").ToUpperInvariant() : B.Id;
            command.Parameters.Add(parameter);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows.Add(table + " " + Row(reader));
            }
        }

        rows.Sort(StringComparer.Ordinal);
        Assert.NotEmpty(rows);
        return rows;
    }

    public static void AssertUnchanged(IReadOnlyList<string> before, IReadOnlyList<string> after, string what)
    {
        var removed = before.Except(after).ToList();
        var added = after.Except(before).ToList();
        Assert.True(removed.Count == 0 && added.Count == 0,
            $"{what} changed tenant B.\nbefore only:\n{string.Join('\n', removed)}\nafter only:\n{string.Join('\n', added)}");
    }

    private static string Row(DbDataReader reader)
    {
        var text = new StringBuilder();
        for (var i = 0; i < reader.FieldCount; i++)
        {
            var value = reader.IsDBNull(i) ? "null" : Convert.ToString(reader.GetValue(i) is Array array ? string.Join(",", array.Cast<object>()) : reader.GetValue(i), CultureInfo.InvariantCulture);
            text.Append(reader.GetName(i)).Append('=').Append(value).Append(';');
        }

        return text.ToString();
    }

    public static string Shorten(string text) => text.Length <= 600 ? text : text[..600] + "…";

    private static async Task<User> CreateUserAsync(SkuldServer server, HttpClient client, string upn, string name)
    {
        var created = await SendAsync(client, HttpMethod.Post, "/v1.0/users", new JsonObject
        {
            ["accountEnabled"] = true,
            ["displayName"] = name,
            ["mailNickname"] = upn.Split('@')[0],
            ["userPrincipalName"] = upn,
            ["usageLocation"] = "US",
            ["passwordProfile"] = new JsonObject { ["password"] = TestDirectory.Password },
        });
        var id = created.GetProperty("id").GetGuid();
        await using var db = server.NewDb();
        return await db.Users.AsNoTracking().SingleAsync(u => u.Id == id);
    }

    private static async Task<Guid> CreateGroupAsync(HttpClient client, string name) =>
        (await SendAsync(client, HttpMethod.Post, "/v1.0/groups", new JsonObject
        {
            ["displayName"] = name,
            ["mailNickname"] = name.Replace(" ", "", StringComparison.Ordinal),
            ["mailEnabled"] = false,
            ["securityEnabled"] = true,
        })).GetProperty("id").GetGuid();

    private static JsonObject Licenses(Guid sku) => new()
    {
        ["addLicenses"] = new JsonArray(new JsonObject { ["skuId"] = sku.ToString(), ["disabledPlans"] = new JsonArray() }),
        ["removeLicenses"] = new JsonArray(),
    };

    private static JsonObject Reference(Guid id) => new() { ["@odata.id"] = $"https://graph.microsoft.com/v1.0/directoryObjects/{id}" };

    private static async Task<JsonElement> SendAsync(HttpClient client, HttpMethod method, string path, JsonObject body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The worker runs in the background on real time: poll until B has no queued work, for up to 60 s.</summary>
    private static async Task WaitForProcessingAsync(SkuldServer server, Guid tenantId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            await using var db = server.NewDb();
            if (!await db.LicenseWorkItems.AnyAsync(w => w.TenantId == tenantId)
                && await db.Groups.AllAsync(g => g.TenantId != tenantId || g.LicenseProcessingState == LicenseProcessingState.ProcessingComplete))
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, "B's group license was not processed within 60 s");
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in clients.Values.Where(c => c.IsValueCreated))
        {
            (await client.Value).Dispose();
        }

        await Server.DisposeAsync();
    }
}

/// <summary>A class fixture holding one <see cref="CrossTenantWorld"/> per store kind, made on first use.</summary>
public sealed class CrossTenantWorlds : IAsyncDisposable
{
    private readonly ConcurrentDictionary<StoreKind, Lazy<Task<CrossTenantWorld>>> worlds = new();

    public Task<CrossTenantWorld> GetAsync(StoreKind kind) =>
        worlds.GetOrAdd(kind, k => new(() => CrossTenantWorld.CreateAsync(k))).Value;

    public async ValueTask DisposeAsync()
    {
        foreach (var world in worlds.Values.Where(w => w.IsValueCreated && w.Value.IsCompletedSuccessfully))
        {
            await (await world.Value).DisposeAsync();
        }
    }
}
