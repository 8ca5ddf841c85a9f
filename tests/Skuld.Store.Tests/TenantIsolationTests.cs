using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Skuld.Licensing.Engine;
using Skuld.Store.Audit;
using Skuld.Store.Auth;
using Skuld.Store.Directory;
using Skuld.Store.Licensing;
using Skuld.Store.Processing;
using Skuld.Store.Processing.Internal;
using Skuld.Store.Recipients;
using Skuld.Testing;

namespace Skuld.Store.Tests;

/// <summary>
/// Issue #4, isolation: every query of a context is confined to its tenant by one filter, for every entity
/// type of the model (enumerated, so a new one cannot be left out), through reads, bulk statements, raw SQL
/// and writes.
/// </summary>
public sealed class TenantIsolationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // Tables that belong to no tenant, on purpose. A new table goes here only by decision, never by forgetting a TenantId.
    private static readonly string[] Untenanted = [nameof(SigningKey)];

    private sealed record Ids(Guid TenantId, Guid UserId, Guid GroupId);

    [Theory, AllStores]
    public async Task Every_entity_type_has_a_tenant_id_and_the_tenant_filter_or_is_listed_as_untenanted(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        await using var db = store.NewDb(Guid.NewGuid());

        foreach (var type in db.Model.GetEntityTypes().Where(t => !t.IsOwned()))
        {
            if (TenantScope.TenantProperty(type) is null)
            {
                Assert.True(Untenanted.Contains(type.ClrType.Name),
                    $"{type.ClrType.Name} has no Guid TenantId: give it one (and it gets the tenant filter), or list it in {nameof(Untenanted)} on purpose.");
                continue;
            }

            Assert.True(type.FindDeclaredQueryFilter(TenantScope.FilterName) is not null, $"{type.ClrType.Name} has no tenant filter.");
        }
    }

    [Theory, AllStores]
    public async Task A_context_scoped_to_one_tenant_sees_only_its_rows_in_every_set(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        var (a, b) = await SeedTwoTenantsAsync(store);

        await using var scoped = store.NewDb(a.TenantId);
        await using var all = store.NewDb();
        foreach (var (type, property) in TenantOwned(scoped))
        {
            var everyone = await TenantIdsAsync(all, type, property);
            Assert.True(everyone.Contains(b.TenantId),
                $"The seed has no {type.ClrType.Name} of the other tenant: add one to {nameof(SeedEverythingAsync)} so its isolation is tested.");
            var seen = await TenantIdsAsync(scoped, type, property);
            Assert.True(seen.Count > 0 && seen.All(id => id == a.TenantId), $"{type.ClrType.Name}: the scoped context saw [{string.Join(", ", seen)}].");
        }

        // Composed queries and raw SQL on a set get the filter too.
        Assert.Equal([a.UserId], await scoped.Users.Where(u => u.UserPrincipalName.StartsWith("admin@")).Select(u => u.Id).ToListAsync(Ct));
        Assert.Empty(await scoped.Users.Where(u => u.Id == b.UserId).ToListAsync(Ct));
        Assert.Equal([a.TenantId], await scoped.LicenseWorkItems.FromSqlRaw("SELECT * FROM license_work_items").Select(w => w.TenantId).ToListAsync(Ct));
        Assert.Null(await scoped.Users.FindAsync(new object[] { b.TenantId, b.UserId }, Ct));
    }

    [Theory, AllStores]
    public async Task A_context_without_a_scope_sees_no_tenant_rows(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        await SeedTwoTenantsAsync(store);

        await using var unscoped = SkuldDb.CreateFor(store.Location);
        await using var all = store.NewDb();
        foreach (var (type, property) in TenantOwned(unscoped))
        {
            Assert.NotEmpty(await TenantIdsAsync(all, type, property));
            Assert.True((await TenantIdsAsync(unscoped, type, property)).Count == 0, $"An unscoped context saw rows of {type.ClrType.Name}.");
        }

        // The explicit, greppable way out for system paths.
        Assert.Equal(2, await unscoped.Tenants.AcrossTenants().CountAsync(Ct));
        // A context cannot be widened to all tenants once it has been used with the filtered model.
        Assert.Throws<InvalidOperationException>(() => unscoped.EnterAllTenants());
        Assert.False(unscoped.SeesAllTenants);
    }

    [Theory, AllStores]
    public async Task ExecuteUpdate_and_ExecuteDelete_in_one_tenants_scope_leave_the_other_tenant_untouched(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        var (a, b) = await SeedTwoTenantsAsync(store);
        Dictionary<string, int> before;
        await using (var all = store.NewDb())
        {
            before = await CountsOfAsync(all, b.TenantId);
        }

        await using (var scoped = store.NewDb(a.TenantId))
        {
            Assert.Equal(1, await scoped.Users.ExecuteUpdateAsync(s => s.SetProperty(u => u.DisplayName, "Renamed"), Ct));
            Assert.Equal(1, await scoped.Groups.ExecuteUpdateAsync(s => s.SetProperty(g => g.DisplayName, "Renamed"), Ct));
            // Every set, the tenant last (the others would go with it by cascade).
            foreach (var (type, _) in TenantOwned(scoped).OrderBy(t => t.Type.ClrType == typeof(Tenant)))
            {
                await DeleteAllAsync(scoped, type);
            }
        }

        await using (var all = store.NewDb())
        {
            Assert.Equal(before, await CountsOfAsync(all, b.TenantId));
            Assert.All((await CountsOfAsync(all, a.TenantId)).Values, count => Assert.Equal(0, count));
            Assert.Equal("admin", (await all.Users.SingleAsync(u => u.Id == b.UserId, Ct)).DisplayName);
            Assert.Equal("Sales", (await all.Groups.SingleAsync(g => g.Id == b.GroupId, Ct)).DisplayName);
        }
    }

    [Theory, AllStores]
    public async Task Raw_sql_refuses_to_run_without_a_scope_and_binds_the_scopes_tenant(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        var (a, b) = await SeedTwoTenantsAsync(store);

        await using (var unscoped = SkuldDb.CreateFor(store.Location))
        {
            // Inside a transaction, as the dialects always run: the only thing missing is the scope.
            await using var transaction = await unscoped.Database.BeginTransactionAsync(Ct);
            var dialect = StoreDialect.For(unscoped);
            const string NoScope = "Raw SQL runs in a tenant scope";
            Assert.StartsWith(NoScope, Assert.Throws<InvalidOperationException>(() => TenantSql.Command(unscoped, "SELECT 1")).Message, StringComparison.Ordinal);
            Assert.StartsWith(NoScope, (await Assert.ThrowsAsync<InvalidOperationException>(() => dialect.LicensedGroupsAsync(unscoped, Ct))).Message, StringComparison.Ordinal);
            Assert.StartsWith(NoScope, (await Assert.ThrowsAsync<InvalidOperationException>(
                () => dialect.MembersAsync(unscoped, a.GroupId, null, null, 10, Ct))).Message, StringComparison.Ordinal);
        }

        await using (var other = SkuldDb.CreateFor(store.Location, b.TenantId))
        {
            // A context of tenant B cannot be turned to tenant A's audit chain.
            await Assert.ThrowsAsync<InvalidOperationException>(() => AuditChain.SealAsync(other, a.TenantId, Ct));
        }

        int auditOfB;
        await using (var all = store.NewDb())
        {
            auditOfB = await all.AuditEvents.CountAsync(e => e.TenantId == b.TenantId, Ct);
        }

        await using (var scoped = store.NewDb(a.TenantId))
        {
            await using var transaction = await scoped.Database.BeginTransactionAsync(Ct);
            var dialect = StoreDialect.For(scoped);
            Assert.Equal([a.GroupId], (await dialect.LicensedGroupsAsync(scoped, Ct)).Keys);
            // Tenant B's group id asked in tenant A's scope: nothing, though the id exists.
            Assert.Empty(await dialect.MembersAsync(scoped, b.GroupId, null, null, 10, Ct));
            Assert.Equal([a.UserId], (await dialect.MembersAsync(scoped, a.GroupId, null, null, 10, Ct)).Select(m => m.Id));

            var foreign = AuditRecord.Create(b.TenantId, Actor.Operator, "Add user", "UserManagement", "Add", Guid.NewGuid(), Seed.Now, []);
            await Assert.ThrowsAsync<InvalidOperationException>(() => dialect.WriteAuditAsync(scoped, [foreign], Ct));
        }

        await using var after = store.NewDb();
        Assert.Equal(auditOfB, await after.AuditEvents.CountAsync(e => e.TenantId == b.TenantId, Ct));
    }

    [Theory, AllStores]
    public async Task Saving_a_row_of_another_tenant_throws_and_writes_nothing(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        var (a, b) = await SeedTwoTenantsAsync(store);

        await using (var scoped = store.NewDb(a.TenantId))
        {
            scoped.Users.Add(NewUser(b.TenantId, "intruder@fabrikam.com"));
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => scoped.SaveChangesAsync(Ct));
            Assert.Contains($"tenant {b.TenantId}", error.Message, StringComparison.Ordinal);
        }

        await using (var scoped = store.NewDb(a.TenantId))
        {
            // A row of B that the context never read (attached by key) cannot be changed or deleted either.
            scoped.Attach(new User { TenantId = b.TenantId, Id = b.UserId, UserPrincipalName = "x", DisplayName = "x", CreatedDateTime = Seed.Now }).State = EntityState.Deleted;
            Assert.Throws<InvalidOperationException>(() => scoped.SaveChanges());
        }

        await using (var unscoped = SkuldDb.CreateFor(store.Location))
        {
            unscoped.Users.Add(NewUser(a.TenantId, "nobody@contoso.com"));
            await Assert.ThrowsAsync<InvalidOperationException>(() => unscoped.SaveChangesAsync(Ct));
        }

        await using (var scoped = store.NewDb(a.TenantId))
        {
            Assert.Throws<InvalidOperationException>(() => scoped.EnterTenant(b.TenantId));
            scoped.Users.Add(NewUser(a.TenantId, "fine@contoso.com"));
            await scoped.SaveChangesAsync(Ct);
        }

        await using var all = store.NewDb();
        Assert.Equal(["admin@fabrikam.com"], await all.Users.Where(u => u.TenantId == b.TenantId).Select(u => u.UserPrincipalName).ToListAsync(Ct));
        Assert.Equal(["admin@contoso.com", "fine@contoso.com"],
            await all.Users.Where(u => u.TenantId == a.TenantId).OrderBy(u => u.UserPrincipalName).Select(u => u.UserPrincipalName).ToListAsync(Ct));
    }

    [Theory, AllStores]
    public async Task The_worker_claims_across_tenants_and_runs_each_batch_in_the_claimed_tenant(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        var tenants = new List<(Guid TenantId, Guid UserId)>();
        await using (var db = store.NewDb())
        {
            foreach (var domain in new[] { "contoso.com", "fabrikam.com" })
            {
                var tenantId = await Seed.TenantAsync(db, units: 5, domain);
                var userId = await Seed.UserAsync(db, tenantId, $"member@{domain}");
                var groupId = Guid.NewGuid();
                db.Groups.Add(new Group { TenantId = tenantId, Id = groupId, DisplayName = "Sales", MailNickname = "sales", SecurityEnabled = true, CreatedDateTime = Seed.Now });
                db.GroupMembers.Add(new GroupMember { TenantId = tenantId, GroupId = groupId, MemberId = userId, MemberKind = MemberKind.User, AddedDateTime = Seed.Now });
                db.GroupLicenses.Add(new Licensing.GroupLicense { TenantId = tenantId, GroupId = groupId, SkuId = Seed.SkuId, AssignedDateTime = Seed.Now });
                LicenseWork.EnqueueGroup(db, tenantId, groupId, Actor.Operator, Guid.NewGuid(), Seed.Now);
                await db.SaveChangesAsync(Ct);
                tenants.Add((tenantId, userId));
            }
        }

        var claimed = new List<Guid>();
        while (true)
        {
            // As the server's worker: a fresh context with no scope per batch.
            await using var db = SkuldDb.CreateFor(store.Location);
            var batch = await LicenseProcessing.RunBatchAsync(db, "test", 64, new FixedTime(Seed.Now), Ct);
            if (batch is null)
            {
                break;
            }

            Assert.Equal(batch.TenantId, db.ScopedTenantId);
            claimed.Add(batch.TenantId);
        }

        Assert.Equal(tenants.Select(t => t.TenantId).Order(), claimed.Distinct().Order());
        await using var all = store.NewDb();
        foreach (var (tenantId, userId) in tenants)
        {
            var row = await all.LicenseAssignments.SingleAsync(r => r.TenantId == tenantId, Ct);
            Assert.Equal((userId, LicenseState.Active), (row.UserId, row.State));
            Assert.Equal(1, await all.TenantSkus.Where(s => s.TenantId == tenantId).Select(s => s.ConsumedUnits).SingleAsync(Ct));
        }
    }

    private static User NewUser(Guid tenantId, string upn) => new()
    {
        TenantId = tenantId,
        Id = Guid.NewGuid(),
        UserPrincipalName = upn,
        DisplayName = upn.Split('@')[0],
        CreatedDateTime = Seed.Now,
    };

    private static async Task<(Ids A, Ids B)> SeedTwoTenantsAsync(TestStore store)
    {
        await using var db = store.NewDb();
        var a = await SeedEverythingAsync(db, "contoso.com");
        var b = await SeedEverythingAsync(db, "fabrikam.com");
        return (a, b);
    }

    /// <summary>One row in every tenant-owned table. A new entity type needs a row here (the tests above say so).</summary>
    private static async Task<Ids> SeedEverythingAsync(SkuldDb db, string domain)
    {
        var tenantId = await Seed.TenantAsync(db, units: 10, domain);
        var userId = await Seed.UserAsync(db, tenantId, $"admin@{domain}");
        var groupId = Guid.NewGuid();
        var appId = Guid.NewGuid();
        db.Groups.Add(new Group { TenantId = tenantId, Id = groupId, DisplayName = "Sales", MailNickname = "sales", SecurityEnabled = true, CreatedDateTime = Seed.Now });
        db.GroupMembers.Add(new GroupMember { TenantId = tenantId, GroupId = groupId, MemberId = userId, MemberKind = MemberKind.User, AddedDateTime = Seed.Now });
        db.GroupLicenses.Add(new Licensing.GroupLicense { TenantId = tenantId, GroupId = groupId, SkuId = Seed.SkuId, AssignedDateTime = Seed.Now });
        db.LicenseAssignments.Add(new LicenseAssignment
        {
            TenantId = tenantId, UserId = userId, SkuId = Seed.SkuId, SourceId = LicenseAssignment.Direct,
            State = LicenseState.Active, AssignedDateTime = Seed.Now, LastUpdatedDateTime = Seed.Now,
        });
        db.AppRegistrations.Add(new AppRegistration { TenantId = tenantId, Id = appId, AppId = Guid.NewGuid(), DisplayName = "Bot", SecretHash = "x", CreatedDateTime = Seed.Now });
        db.RoleAssignments.Add(new RoleAssignment { TenantId = tenantId, PrincipalId = userId, Role = DirectoryRole.GlobalAdministrator });
        // Two targets, so the event has target rows (one target would be the event's own column).
        db.AuditEvents.Add(AuditRecord.Create(tenantId, Actor.Operator, "Add member to group", "GroupManagement", "Assign", Guid.NewGuid(), Seed.Now,
            [new AuditTarget(groupId, "Group", "Sales", null, []), new AuditTarget(userId, "User", "Admin", null, [])]));
        var contactId = Guid.NewGuid();
        db.OrgContacts.Add(new OrgContact { TenantId = tenantId, Id = contactId, DisplayName = "Partner", Mail = $"partner{contactId:N}@example.com", CreatedDateTime = Seed.Now });
        db.RecipientAddresses.AddRange(RecipientAddresses.Rows(tenantId, contactId, RecipientType.Contact, [$"SMTP:partner{contactId:N}@example.com"]));
        LicenseWork.EnqueueGroup(db, tenantId, groupId, Actor.Operator, Guid.NewGuid(), Seed.Now);
        db.LicenseWorkLog.Add(new LicenseWorkLog { TenantId = tenantId, WorkId = Guid.NewGuid(), Batch = 0, Owner = "test", Users = 1, CommittedAt = Seed.Now });
        db.Set<AuditChainState>().Add(new AuditChainState { TenantId = tenantId, RetentionDays = 30 });
        await db.SaveChangesAsync(Ct);
        return new Ids(tenantId, userId, groupId);
    }

    private static List<(IEntityType Type, string Property)> TenantOwned(SkuldDb db) =>
        [.. db.Model.GetEntityTypes()
            .Where(t => !t.IsOwned())
            .Select(t => (Type: t, Property: TenantScope.TenantProperty(t)?.Name))
            .Where(t => t.Property is not null)
            .Select(t => (t.Type, t.Property!))]; // filtered to non-null just above

    private static async Task<Dictionary<string, int>> CountsOfAsync(SkuldDb all, Guid tenantId)
    {
        var counts = new Dictionary<string, int>();
        foreach (var (type, property) in TenantOwned(all))
        {
            counts[type.ClrType.Name] = (await TenantIdsAsync(all, type, property)).Count(id => id == tenantId);
        }
        return counts;
    }

    private static Task<List<Guid>> TenantIdsAsync(SkuldDb db, IEntityType type, string property) =>
        (Task<List<Guid>>)Generic(nameof(TenantIdsOfAsync), type).Invoke(null, [db, property])!;

    private static Task<int> DeleteAllAsync(SkuldDb db, IEntityType type) =>
        (Task<int>)Generic(nameof(DeleteAllOfAsync), type).Invoke(null, [db])!;

    private static MethodInfo Generic(string name, IEntityType type) =>
        typeof(TenantIsolationTests).GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(type.ClrType);

    private static Task<List<Guid>> TenantIdsOfAsync<T>(SkuldDb db, string property)
        where T : class => db.Set<T>().AsNoTracking().Select(e => EF.Property<Guid>(e, property)).ToListAsync(Ct);

    private static Task<int> DeleteAllOfAsync<T>(SkuldDb db)
        where T : class => db.Set<T>().ExecuteDeleteAsync(Ct);
}
