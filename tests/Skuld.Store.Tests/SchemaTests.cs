using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Skuld.Store.Audit;
using Skuld.Store.Directory;
using Skuld.Store.Providers;
using Skuld.Testing;

namespace Skuld.Store.Tests;

public sealed class SchemaTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory, AllStores]
    public async Task Migrations_apply_to_an_empty_database_and_leave_nothing_pending(StoreKind kind)
    {
        await using var store = await TestStore.CreateEmptyAsync(kind, Ct);
        await using var db = store.NewDb();

        await db.MigrateSkuldAsync(Ct);

        Assert.Empty(await db.Database.GetPendingMigrationsAsync(Ct));
        Assert.NotEmpty(await db.Database.GetAppliedMigrationsAsync(Ct));
        Assert.Equal(0, await db.Users.CountAsync(Ct));
    }

    [Theory, AllStores]
    public async Task User_principal_names_are_unique_without_regard_to_case(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        await using var db = store.NewDb();
        var tenantId = await Seed.TenantAsync(db, units: 1);
        var aliceId = await Seed.UserAsync(db, tenantId, "Alice@Contoso.com");

        db.ChangeTracker.Clear();
        await Assert.ThrowsAsync<DbUpdateException>(() => Seed.UserAsync(db, tenantId, "alice@CONTOSO.COM"));

        await using var reader = store.NewDb();
        var found = await reader.Users.SingleAsync(u => u.TenantId == tenantId && u.UserPrincipalNameKey == User.KeyOf("ALICE@contoso.com"), Ct);
        Assert.Equal(aliceId, found.Id);
        Assert.Equal("Alice@Contoso.com", found.UserPrincipalName);
    }

    [Theory, AllStores]
    public async Task The_same_user_principal_name_may_exist_in_two_tenants(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        await using var db = store.NewDb();
        var contoso = await Seed.TenantAsync(db, units: 1, "contoso.com");
        var fabrikam = await Seed.TenantAsync(db, units: 1, "fabrikam.com");

        await Seed.UserAsync(db, contoso, "admin@example.com");
        await Seed.UserAsync(db, fabrikam, "admin@example.com");

        Assert.Equal(2, await db.Users.CountAsync(u => u.UserPrincipalNameKey == User.KeyOf("admin@example.com"), Ct));
    }

    [Theory, AllStores]
    public async Task Tenant_domains_are_stored_lower_case_and_found_without_regard_to_case(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        await using var db = store.NewDb();
        var tenantId = await Seed.TenantAsync(db, units: 1, "Contoso.COM");

        await using var reader = store.NewDb();
        var tenant = await reader.Tenants.SingleAsync(t => t.Domain == "CONTOSO.com", Ct);
        Assert.Equal(tenantId, tenant.Id);
        Assert.Equal("contoso.com", tenant.Domain);

        db.ChangeTracker.Clear();
        await Assert.ThrowsAsync<DbUpdateException>(() => Seed.TenantAsync(db, units: 1, "contoso.com"));
    }

    [Theory, AllStores]
    public async Task Audit_events_filter_and_order_by_activity_time(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        await using var db = store.NewDb();
        var tenantId = await Seed.TenantAsync(db, units: 1);
        var times = new[] { 3, 1, 2 }.Select(h => Seed.Now.AddHours(h)).ToList();
        db.AuditEvents.AddRange(times.Select(t =>
            AuditRecord.Create(tenantId, Actor.Operator, "Update user", "UserManagement", "Update", Guid.NewGuid(), t, [])));
        await db.SaveChangesAsync(Ct);

        await using var reader = store.NewDb();
        var after = Seed.Now.AddHours(1.5);
        var found = await reader.AuditEvents
            .Where(e => e.TenantId == tenantId && e.ActivityDateTime >= after)
            .OrderByDescending(e => e.ActivityDateTime)
            .Select(e => e.ActivityDateTime)
            .ToListAsync(Ct);

        Assert.Equal([Seed.Now.AddHours(3), Seed.Now.AddHours(2)], found);
    }

    [Theory, AllStores]
    public async Task A_stale_user_update_fails_on_the_version_token(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        await using var setup = store.NewDb();
        var tenantId = await Seed.TenantAsync(setup, units: 1);
        var userId = await Seed.UserAsync(setup, tenantId, "bob@contoso.com");
        await using var first = store.NewDb();
        await using var second = store.NewDb();
        var a = await first.Users.SingleAsync(u => u.Id == userId, Ct);
        var b = await second.Users.SingleAsync(u => u.Id == userId, Ct);

        a.JobTitle = "Engineer";
        a.Version++;
        await first.SaveChangesAsync(Ct);
        b.JobTitle = "Manager";
        b.Version++;

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => second.SaveChangesAsync(Ct));
    }

    [Theory, AllStores]
    public async Task AddSkuldStore_gives_the_provider_context_as_SkuldDb(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        await using var services = new ServiceCollection().AddSkuldStore(store.Location).BuildServiceProvider();
        await using var scope = services.CreateAsyncScope();

        var db = scope.ServiceProvider.GetRequiredService<SkuldDb>();
        await using var fromFactory = await services.GetRequiredService<IDbContextFactory<SkuldDb>>().CreateDbContextAsync(Ct);

        Assert.IsType(kind == StoreKind.Sqlite ? typeof(SqliteSkuldDb) : typeof(PostgresSkuldDb), db);
        Assert.IsType(db.GetType(), fromFactory);
        Assert.Equal(0, await db.Tenants.CountAsync(Ct));
    }
}
