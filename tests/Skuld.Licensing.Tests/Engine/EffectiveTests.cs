using Skuld.Licensing.Engine;

namespace Skuld.Licensing.Tests.Engine;

public sealed class EffectiveTests
{
    private static readonly TenantSnapshot tenant = new TenantBuilder().Stock(Sku.E3).Stock(Sku.EntraP1).Build();

    [Fact]
    public void Sources_of_one_sku_combine_disabled_plans_by_intersection_and_enabled_plans_by_union()
    {
        var user = new UserBuilder()
            .Direct(Sku.E3, Plan.SharePointPlan2, Plan.ExchangePlan2)
            .FromGroup(Sku.E3, Direct.GroupA, Plan.ExchangePlan2, Plan.SkypeForBusiness)
            .Build();

        var effective = Assert.Single(LicenseEngine.Effective(tenant, user.Assignments));

        Assert.Equal([Plan.ExchangePlan2], effective.DisabledPlans);
        Assert.Equal(35, effective.EnabledPlans.Length);
        Assert.Contains(Plan.SharePointPlan2, effective.EnabledPlans);
        Assert.Contains(Plan.SkypeForBusiness, effective.EnabledPlans);
    }

    [Fact]
    public void Rows_that_do_not_grant_and_unknown_skus_are_left_out_and_skus_are_sorted()
    {
        var user = new UserBuilder()
            .Direct(Sku.Unknown)
            .FromGroup(Sku.E3, Direct.GroupA, LicenseState.Error, LicenseError.CountViolation)
            .FromGroup(Sku.EntraP1, Direct.GroupA, LicenseState.ActiveWithError, LicenseError.Other)
            .Direct(Sku.E3, Plan.SharePointPlan2)
            .Build();

        var effective = LicenseEngine.Effective(tenant, user.Assignments);

        Assert.Equal([Sku.EntraP1, Sku.E3], effective.Select(e => e.SkuId));
        Assert.Equal([Plan.SharePointPlan2], effective[1].DisabledPlans);
    }

    [Fact]
    public void Enabled_plans_follow_product_order()
    {
        var effective = Assert.Single(LicenseEngine.Effective(tenant, new UserBuilder().Direct(Sku.EntraP1).Build().Assignments));

        Assert.Equal(tenant.Skus[Sku.EntraP1].Product.Plans.Select(p => p.Id), effective.EnabledPlans);
        Assert.Empty(effective.DisabledPlans);
    }
}
