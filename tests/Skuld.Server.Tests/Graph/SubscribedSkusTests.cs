using Microsoft.Graph.Models;
using Microsoft.Graph.Users.Item.AssignLicense;
using Skuld.Store.Licensing;
using Skuld.Testing;
using static Skuld.Server.Tests.Graph.GraphTestTenant;

namespace Skuld.Server.Tests.Graph;

/// <summary><c>/v1.0/subscribedSkus</c> through the Graph SDK: exact seat counts and the catalogue's plans.</summary>
public sealed class SubscribedSkusTests
{
    [Theory, AllStores]
    public async Task List_shows_each_subscribed_product_with_exact_units_and_plans(StoreKind kind)
    {
        await using var t = await StartAsync(kind, ("ENTERPRISEPACK", 25), ("STANDARDPACK", 10));
        await t.SubscribeAsync("ENTERPRISEPACK", 5); // a second subscription of E3 adds its units
        var (e3, e1) = (Product("ENTERPRISEPACK"), Product("STANDARDPACK"));
        var user = await t.AddUserAsync("holder");
        await t.Graph.Users[user.Id.ToString()].AssignLicense.PostAsync(
            new AssignLicensePostRequestBody { AddLicenses = [new AssignedLicense { SkuId = e3.SkuId }], RemoveLicenses = [] },
            cancellationToken: Cancel);

        var skus = await t.Graph.SubscribedSkus.GetAsync(cancellationToken: Cancel);

        Assert.Equal(2, skus!.Value!.Count);
        var listedE3 = skus.Value.Single(s => s.SkuId == e3.SkuId);
        var listedE1 = skus.Value.Single(s => s.SkuId == e1.SkuId);
        Assert.Equal((t.SubscribedSkuId(e3.SkuId), "ENTERPRISEPACK", 1), (listedE3.Id, listedE3.SkuPartNumber, listedE3.ConsumedUnits));
        Assert.Equal((30, 0, 0, 0), Units(listedE3.PrepaidUnits!));
        Assert.Equal((t.SubscribedSkuId(e1.SkuId), "STANDARDPACK", 0), (listedE1.Id, listedE1.SkuPartNumber, listedE1.ConsumedUnits));
        Assert.Equal((10, 0, 0, 0), Units(listedE1.PrepaidUnits!));
        Assert.Equal(e3.Plans.Length, listedE3.ServicePlans!.Count);
        Assert.Equal(e3.Plans.Select(p => (p.Id, p.Name)), listedE3.ServicePlans.Select(p => (p.ServicePlanId!.Value, p.ServicePlanName!)));
        Assert.Equal(e1.Plans.Length, listedE1.ServicePlans!.Count);
        Assert.All(listedE3.ServicePlans, p => Assert.Equal("Success", p.ProvisioningStatus));
        Assert.Equal(("User", "Enabled", "contoso.com", t.Tenant.Id), (listedE3.AppliesTo, listedE3.CapabilityStatus, listedE3.AccountName, Guid.Parse(listedE3.AccountId!)));
        Assert.Equal(2, listedE3.SubscriptionIds!.Count);
    }

    [Theory, AllStores]
    public async Task Get_by_tenant_and_sku_id_shows_warning_suspended_and_locked_out_units(StoreKind kind)
    {
        await using var t = await StartAsync(kind, ("ENTERPRISEPACK", 7));
        var e3 = Product("ENTERPRISEPACK");
        await using (var db = t.NewDb())
        {
            var subscription = db.Subscriptions.Single(s => s.TenantId == t.Tenant.Id && s.SkuId == e3.SkuId);
            (subscription.WarningUnits, subscription.SuspendedUnits, subscription.LockedOutUnits) = (3, 2, 1);
            await db.SaveChangesAsync(Cancel);
            await SubscriptionUnits.RecountAsync(db, t.Tenant.Id, e3.SkuId, Cancel);
        }

        var sku = await t.Graph.SubscribedSkus[t.SubscribedSkuId(e3.SkuId)].GetAsync(cancellationToken: Cancel);

        Assert.Equal((t.SubscribedSkuId(e3.SkuId), e3.SkuId, "ENTERPRISEPACK", 0), (sku!.Id, sku.SkuId, sku.SkuPartNumber, sku.ConsumedUnits));
        Assert.Equal((7, 1, 2, 3), Units(sku.PrepaidUnits!));
        Assert.Equal(e3.Plans.Length, sku.ServicePlans!.Count);
    }

    [Theory, AllStores]
    public async Task Unknown_or_foreign_ids_are_404(StoreKind kind)
    {
        await using var t = await StartAsync(kind, ("ENTERPRISEPACK", 1));
        var notSubscribed = t.SubscribedSkuId(Sku("STANDARDPACK"));
        var otherTenant = $"{Guid.NewGuid():D}_{Sku("ENTERPRISEPACK"):D}";

        foreach (var id in new[] { notSubscribed, otherTenant, "not-an-id" })
        {
            await AssertErrorAsync(
                () => t.Graph.SubscribedSkus[id].GetAsync(cancellationToken: Cancel),
                404, "Request_ResourceNotFound", $"Resource '{id}' does not exist or one of its queried reference-property objects are not present.");
        }
    }

    private static (int?, int?, int?, int?) Units(LicenseUnitsDetail units) =>
        (units.Enabled, units.LockedOut, units.Suspended, units.Warning);
}
