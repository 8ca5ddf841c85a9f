using Skuld.Licensing.Engine;
using Skuld.Store.Audit;
using Skuld.Store.Licensing;
using Skuld.Testing;

namespace Skuld.Store.Tests.Audit;

public sealed class LicenseHistoryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task ChangeAsync(TestStore store, Guid tenantId, Guid userId, DateTimeOffset at, LicenseRequest[] add, Guid[] remove)
    {
        await using var db = store.NewDb();
        var result = await DirectLicensing.AssignAsync(db, tenantId, userId, [.. add], [.. remove], Actor.Operator, Guid.NewGuid(), new FixedTime(at), Ct);
        Assert.IsType<DirectLicenseResult.Applied>(result);
    }

    private static async Task<LicenseHistoryAnswer> AtAsync(TestStore store, Guid tenantId, Guid userId, DateTimeOffset at)
    {
        await using var db = store.NewDb();
        return await LicenseHistory.AtAsync(db, tenantId, userId, at, Ct);
    }

    [Theory, AllStores]
    public async Task History_answers_the_licenses_held_before_between_and_after_changes(StoreKind kind)
    {
        await using var store = await TestStore.CreateAsync(kind, Ct);
        Guid tenantId, userId, otherId;
        await using (var db = store.NewDb())
        {
            tenantId = await Seed.TenantAsync(db, units: 5);
            userId = await Seed.UserAsync(db, tenantId, "adele@contoso.com");
            otherId = await Seed.UserAsync(db, tenantId, "bob@contoso.com");
        }

        var assigned = Seed.Now.AddHours(1);
        var narrowed = Seed.Now.AddHours(2);
        var removed = Seed.Now.AddHours(3);
        await ChangeAsync(store, tenantId, userId, assigned, [new LicenseRequest(Seed.SkuId, [])], []);
        await ChangeAsync(store, tenantId, otherId, assigned.AddMinutes(30), [new LicenseRequest(Seed.SkuId, [])], []);
        await ChangeAsync(store, tenantId, userId, narrowed, [new LicenseRequest(Seed.SkuId, [Seed.ExtraPlanId])], []);
        await ChangeAsync(store, tenantId, userId, removed, [], [Seed.SkuId]);

        var before = await AtAsync(store, tenantId, userId, assigned.AddSeconds(-1));
        Assert.Empty(before.Licenses);
        Assert.Null(before.AsOfEventId);

        var atAssignment = await AtAsync(store, tenantId, userId, assigned);
        var held = Assert.Single(atAssignment.Licenses);
        Assert.Equal(Seed.SkuId, held.SkuId);
        Assert.Equal("SKULD_TEST", held.SkuPartNumber);
        Assert.Empty(held.DisabledPlans);
        Assert.Equal(assigned, atAssignment.AsOf);

        // The other user's later change is not this user's history.
        var between = await AtAsync(store, tenantId, userId, narrowed.AddSeconds(-1));
        Assert.Equal(assigned, between.AsOf);

        var afterNarrowing = Assert.Single((await AtAsync(store, tenantId, userId, narrowed.AddMinutes(1))).Licenses);
        Assert.Equal([Seed.ExtraPlanId], afterNarrowing.DisabledPlans);

        var afterRemoval = await AtAsync(store, tenantId, userId, removed.AddDays(1));
        Assert.Empty(afterRemoval.Licenses);
        Assert.Equal(removed, afterRemoval.AsOf);
    }
}
