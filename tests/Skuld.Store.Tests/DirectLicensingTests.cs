using System.Collections.Immutable;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Skuld.Licensing.Engine;
using Skuld.Store.Audit;
using Skuld.Store.Licensing;
using Skuld.Testing;

namespace Skuld.Store.Tests;

public sealed class DirectLicensingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeProvider Time = new FixedTime(Seed.Now);

    private static Task<DirectLicenseResult> AssignAsync(SkuldDb db, Guid tenantId, Guid userId, LicenseRequest[] add, Guid[] remove, Guid? correlationId = null) =>
        DirectLicensing.AssignAsync(db, tenantId, userId, [.. add], [.. remove], Actor.Operator, correlationId ?? Guid.NewGuid(), Time, Ct);

    private static LicenseRequest Sku(params Guid[] disabledPlans) => new(Seed.SkuId, [.. disabledPlans]);

    [Theory, AllStores]
    public async Task Parallel_assignments_never_take_more_seats_than_are_enabled(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        Guid tenantId;
        var userIds = new List<Guid>();
        await using (var setup = store.NewDb())
        {
            tenantId = await Seed.TenantAsync(setup, units: 50);
            for (var i = 0; i < 200; i++)
            {
                userIds.Add(await Seed.UserAsync(setup, tenantId, $"user{i}@contoso.com"));
            }
        }

        var results = await Task.WhenAll(userIds.Select(userId => Task.Run(async () =>
        {
            await using var db = store.NewDb();
            return await AssignAsync(db, tenantId, userId, [Sku()], []);
        })));

        Assert.Equal(50, results.Count(r => r is DirectLicenseResult.Applied));
        Assert.All(results.OfType<DirectLicenseResult.Refused>(), r =>
        {
            Assert.Equal(DirectFailureCode.NoAvailableLicenses, r.Failure.Code);
            Assert.Equal(Seed.SkuId, r.Failure.SkuId);
        });
        Assert.Equal(150, results.Count(r => r is DirectLicenseResult.Refused));
        await using var reader = store.NewDb();
        var sku = await reader.TenantSkus.SingleAsync(s => s.TenantId == tenantId, Ct);
        Assert.Equal(50, sku.ConsumedUnits);
        Assert.Equal(50, await reader.LicenseAssignments.CountAsync(a => a.TenantId == tenantId, Ct));
        Assert.Equal(150, await reader.AuditEvents.CountAsync(e => e.TenantId == tenantId && e.Result == "failure", Ct));
    }

    [Theory, AllStores]
    public async Task Assigning_writes_the_direct_row_takes_a_seat_and_audits_in_graph_format(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        await using var db = store.NewDb();
        var tenantId = await Seed.TenantAsync(db, units: 5);
        var userId = await Seed.UserAsync(db, tenantId, "alice@contoso.com");
        var correlationId = Guid.NewGuid();

        var result = await AssignAsync(db, tenantId, userId, [Sku(Seed.ExtraPlanId)], [], correlationId);

        var applied = Assert.IsType<DirectLicenseResult.Applied>(result);
        Assert.Equal(Seed.SkuId, Assert.Single(applied.Assignments).SkuId);
        await using var reader = store.NewDb();
        var row = await reader.LicenseAssignments.SingleAsync(a => a.UserId == userId, Ct);
        Assert.Equal(LicenseAssignment.Direct, row.SourceId);
        Assert.Equal([Seed.ExtraPlanId], row.DisabledPlans);
        Assert.Equal(LicenseState.Active, row.State);
        Assert.Equal(1, (await reader.TenantSkus.SingleAsync(s => s.TenantId == tenantId, Ct)).ConsumedUnits);
        Assert.Equal(1, (await reader.Users.SingleAsync(u => u.Id == userId, Ct)).Version);

        var events = await reader.AuditEvents.Where(e => e.CorrelationId == correlationId).ToListAsync(Ct);
        Assert.Equal(["Change user license", "Update user"], events.Select(e => e.ActivityDisplayName).Order());
        Assert.All(events, e => Assert.Equal("success", e.Result));
        var update = events.Single(e => e.ActivityDisplayName == "Update user");
        var properties = JsonDocument.Parse(update.TargetResources).RootElement[0].GetProperty("modifiedProperties")
            .EnumerateArray().ToDictionary(p => p.GetProperty("displayName").GetString()!, p => p);
        Assert.Equal(["AssignedLicense", "AssignedPlan", "Included Updated Properties"], properties.Keys.Order());
        var newLicenses = JsonSerializer.Deserialize<string[]>(properties["AssignedLicense"].GetProperty("newValue").GetString()!) ?? [];
        Assert.Equal([$"[SkuName=SKULD_TEST, AccountId={tenantId}, SkuId={Seed.SkuId}, DisabledPlans=[{Seed.ExtraPlanId}]]"], newLicenses);
        Assert.Equal("[]", properties["AssignedLicense"].GetProperty("oldValue").GetString());
        Assert.Contains(Seed.PlanId.ToString(), properties["AssignedPlan"].GetProperty("newValue").GetString(), StringComparison.Ordinal);
    }

    [Theory, AllStores]
    public async Task Removing_a_direct_license_frees_its_seat(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        await using var db = store.NewDb();
        var tenantId = await Seed.TenantAsync(db, units: 1);
        var alice = await Seed.UserAsync(db, tenantId, "alice@contoso.com");
        var bob = await Seed.UserAsync(db, tenantId, "bob@contoso.com");
        Assert.IsType<DirectLicenseResult.Applied>(await AssignAsync(db, tenantId, alice, [Sku()], []));

        Assert.IsType<DirectLicenseResult.Applied>(await AssignAsync(db, tenantId, alice, [], [Seed.SkuId]));
        Assert.IsType<DirectLicenseResult.Applied>(await AssignAsync(db, tenantId, bob, [Sku()], []));

        await using var reader = store.NewDb();
        Assert.Equal(1, (await reader.TenantSkus.SingleAsync(s => s.TenantId == tenantId, Ct)).ConsumedUnits);
        Assert.Equal(bob, (await reader.LicenseAssignments.SingleAsync(a => a.TenantId == tenantId, Ct)).UserId);
    }

    [Theory, AllStores]
    public async Task Changing_disabled_plans_keeps_the_seat_count(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        await using var db = store.NewDb();
        var tenantId = await Seed.TenantAsync(db, units: 1);
        var alice = await Seed.UserAsync(db, tenantId, "alice@contoso.com");
        Assert.IsType<DirectLicenseResult.Applied>(await AssignAsync(db, tenantId, alice, [Sku()], []));

        Assert.IsType<DirectLicenseResult.Applied>(await AssignAsync(db, tenantId, alice, [Sku(Seed.ExtraPlanId)], []));

        await using var reader = store.NewDb();
        Assert.Equal(1, (await reader.TenantSkus.SingleAsync(s => s.TenantId == tenantId, Ct)).ConsumedUnits);
        Assert.Equal([Seed.ExtraPlanId], (await reader.LicenseAssignments.SingleAsync(a => a.UserId == alice, Ct)).DisabledPlans);
    }

    [Theory, AllStores]
    public async Task A_refused_request_changes_nothing_and_leaves_a_failure_audit_event(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        await using var db = store.NewDb();
        var tenantId = await Seed.TenantAsync(db, units: 5);
        var userId = await Seed.UserAsync(db, tenantId, "nolocation@contoso.com", usageLocation: null);
        var correlationId = Guid.NewGuid();

        var result = await AssignAsync(db, tenantId, userId, [Sku()], [], correlationId);

        Assert.Equal(DirectFailureCode.InvalidUsageLocation, Assert.IsType<DirectLicenseResult.Refused>(result).Failure.Code);
        await using var reader = store.NewDb();
        Assert.Equal(0, (await reader.TenantSkus.SingleAsync(s => s.TenantId == tenantId, Ct)).ConsumedUnits);
        Assert.False(await reader.LicenseAssignments.AnyAsync(a => a.UserId == userId, Ct));
        Assert.Equal(0, (await reader.Users.SingleAsync(u => u.Id == userId, Ct)).Version);
        var failure = await reader.AuditEvents.SingleAsync(e => e.CorrelationId == correlationId, Ct);
        Assert.Equal(("Change user license", "failure", "InvalidUsageLocation"), (failure.ActivityDisplayName, failure.Result, failure.ResultReason));
        Assert.Contains(userId.ToString(), failure.TargetResources, StringComparison.Ordinal);
    }

    [Theory, AllStores]
    public async Task An_unknown_user_is_reported_and_nothing_is_stored(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        await using var db = store.NewDb();
        var tenantId = await Seed.TenantAsync(db, units: 5);

        var result = await AssignAsync(db, tenantId, Guid.NewGuid(), [Sku()], []);

        Assert.IsType<DirectLicenseResult.UserNotFound>(result);
        Assert.False(await db.AuditEvents.AnyAsync(e => e.Result == "failure", Ct));
    }

    [Theory, AllStores]
    public async Task Deleting_a_users_licenses_frees_one_seat_per_product(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        await using var db = store.NewDb();
        var tenantId = await Seed.TenantAsync(db, units: 2);
        var alice = await Seed.UserAsync(db, tenantId, "alice@contoso.com");
        var bob = await Seed.UserAsync(db, tenantId, "bob@contoso.com");
        await AssignAsync(db, tenantId, alice, [Sku()], []);
        await AssignAsync(db, tenantId, bob, [Sku()], []);
        // A group row for the same product: alice still holds one seat of it.
        db.LicenseAssignments.Add(new LicenseAssignment
        {
            TenantId = tenantId, UserId = alice, SkuId = Seed.SkuId, SourceId = Guid.NewGuid(),
            State = LicenseState.Active, AssignedDateTime = Seed.Now, LastUpdatedDateTime = Seed.Now,
        });
        await db.SaveChangesAsync(Ct);

        await using (var transaction = await db.Database.BeginTransactionAsync(Ct))
        {
            await LicenseSeats.DeleteUserLicensesAsync(db, tenantId, alice, Ct);
            await db.Users.Where(u => u.TenantId == tenantId && u.Id == alice).ExecuteDeleteAsync(Ct);
            await transaction.CommitAsync(Ct);
        }

        await using var reader = store.NewDb();
        Assert.Equal(1, (await reader.TenantSkus.SingleAsync(s => s.TenantId == tenantId, Ct)).ConsumedUnits);
        Assert.Equal(bob, (await reader.LicenseAssignments.SingleAsync(a => a.TenantId == tenantId, Ct)).UserId);
        Assert.Equal(1, await LicenseSeats.RecountConsumedAsync(reader, tenantId, Ct));
        Assert.Equal(1, (await reader.TenantSkus.AsNoTracking().SingleAsync(s => s.TenantId == tenantId, Ct)).ConsumedUnits);
    }

    [Theory, AllStores]
    public async Task A_skus_units_are_the_sum_of_its_subscriptions(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        await using var db = store.NewDb();
        var tenantId = await Seed.TenantAsync(db, units: 5);

        var second = await SubscriptionUnits.AddAsync(db, tenantId, Seed.SkuId, 7, Time, Ct);
        await using (var reader = store.NewDb())
        {
            Assert.Equal(12, (await reader.TenantSkus.SingleAsync(s => s.TenantId == tenantId, Ct)).EnabledUnits);
        }

        second.EnabledUnits = 0;
        second.SuspendedUnits = 7;
        await db.SaveChangesAsync(Ct);
        await SubscriptionUnits.RecountAsync(db, tenantId, Seed.SkuId, Ct);

        await using (var reader = store.NewDb())
        {
            var sku = await reader.TenantSkus.SingleAsync(s => s.TenantId == tenantId, Ct);
            Assert.Equal((5, 7), (sku.EnabledUnits, sku.SuspendedUnits));
            Assert.Equal(2, await reader.Subscriptions.CountAsync(s => s.TenantId == tenantId, Ct));
        }
    }

    [Theory, AllStores]
    public async Task Snapshots_show_the_tenants_own_products_and_the_users_assignments(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        await using var db = store.NewDb();
        var tenantId = await Seed.TenantAsync(db, units: 3);
        var alice = await Seed.UserAsync(db, tenantId, "alice@contoso.com");
        await AssignAsync(db, tenantId, alice, [Sku()], []);

        var tenant = await LicenseSnapshots.LoadTenantAsync(db, tenantId, Ct);
        var user = await LicenseSnapshots.LoadUserAsync(db, tenantId, alice, Ct);

        Assert.NotNull(tenant);
        Assert.Equal("US", tenant.CountryLetterCode);
        var stock = tenant.Skus[Seed.SkuId];
        Assert.Equal(("SKULD_TEST", 3, 1), (stock.Product.PartNumber, stock.EnabledUnits, stock.ConsumedUnits));
        Assert.NotNull(user);
        Assert.Equal(ImmutableArray.Create(Seed.SkuId), user.Assignments.Select(a => a.SkuId).ToImmutableArray());
        Assert.Null(await LicenseSnapshots.LoadUserAsync(db, tenantId, Guid.NewGuid(), Ct));
    }

    [Theory, AllStores]
    public async Task Parallel_requests_for_one_user_take_one_seat(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        Guid tenantId, userId;
        await using (var setup = store.NewDb())
        {
            tenantId = await Seed.TenantAsync(setup, units: 10);
            userId = await Seed.UserAsync(setup, tenantId, "alice@contoso.com");
        }

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            await using var db = store.NewDb();
            return await AssignAsync(db, tenantId, userId, [i % 2 == 0 ? Sku() : Sku(Seed.ExtraPlanId)], []);
        })));

        Assert.All(results, r => Assert.IsType<DirectLicenseResult.Applied>(r));
        await using var reader = store.NewDb();
        Assert.Equal(1, (await reader.TenantSkus.SingleAsync(s => s.TenantId == tenantId, Ct)).ConsumedUnits);
        Assert.Equal(1, await reader.LicenseAssignments.CountAsync(a => a.UserId == userId, Ct));
        Assert.Equal(20, (await reader.Users.SingleAsync(u => u.Id == userId, Ct)).Version);
    }

    [Theory, AllStores]
    public async Task A_built_in_product_is_assigned_from_the_catalogue(StoreKind kind)
    {
        var enterprisePack = new Guid("6fd2c87f-b296-42f0-b197-1e91e994b900");
        await using var store = await TestStore.CreateAsync(kind, Ct);
        await using var db = store.NewDb();
        var tenantId = await Seed.TenantAsync(db, units: 1);
        await SubscriptionUnits.AddAsync(db, tenantId, enterprisePack, 25, Time, Ct);
        var userId = await Seed.UserAsync(db, tenantId, "alice@contoso.com");
        var correlationId = Guid.NewGuid();

        var result = await DirectLicensing.AssignAsync(db, tenantId, userId, [new LicenseRequest(enterprisePack, [])], [], Actor.Operator, correlationId, Time, Ct);

        Assert.IsType<DirectLicenseResult.Applied>(result);
        await using var reader = store.NewDb();
        var sku = await reader.TenantSkus.SingleAsync(s => s.TenantId == tenantId && s.SkuId == enterprisePack, Ct);
        Assert.Equal((25, 1), (sku.EnabledUnits, sku.ConsumedUnits));
        var change = await reader.AuditEvents.SingleAsync(e => e.CorrelationId == correlationId && e.ActivityDisplayName == "Change user license", Ct);
        Assert.Contains("SkuName=ENTERPRISEPACK", change.TargetResources, StringComparison.Ordinal);
    }
}
