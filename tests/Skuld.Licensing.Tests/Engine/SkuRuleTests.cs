using Skuld.Licensing.Catalogue;
using Skuld.Licensing.Engine;
using static Skuld.Licensing.Tests.Direct;

namespace Skuld.Licensing.Tests.Engine;

/// <summary>Rules a–c: the SKU is the tenant's, can be given to users, and the disabled plans are its own.</summary>
public sealed class SkuRuleTests
{
    private static readonly TenantSnapshot tenant = new TenantBuilder().Stock(Sku.E1).Stock(Sku.E3).Build();

    [Fact]
    public void Adding_a_sku_the_tenant_does_not_subscribe_fails_with_unknown_sku() =>
        Refused(Assign(tenant, new UserBuilder().Build(), [Add(Sku.E3), Add(Sku.M365E5)]), DirectFailureCode.UnknownSku, Sku.M365E5);

    [Fact]
    public void Removing_a_sku_the_tenant_does_not_know_fails_with_unknown_sku() =>
        Refused(Assign(tenant, new UserBuilder().Build(), [], [Sku.Unknown]), DirectFailureCode.UnknownSku, Sku.Unknown);

    [Fact]
    public void Removing_a_tenant_sku_the_user_does_not_hold_changes_nothing()
    {
        var applied = Applied(Assign(tenant, new UserBuilder().Direct(Sku.E3).Build(), [], [Sku.E1]));

        Assert.Equal([Sku.E3], applied.Assignments.Select(a => a.SkuId));
        Assert.Empty(applied.SeatChanges);
    }

    [Fact]
    public void Removing_a_license_held_only_through_a_group_fails_as_inherited() =>
        Refused(
            Assign(tenant, new UserBuilder().FromGroup(Sku.E3, GroupA).Build(), [], [Sku.E3]),
            DirectFailureCode.InheritedLicense, Sku.E3);

    [Fact]
    public void Removing_and_re_adding_an_inherited_license_still_fails_as_inherited() =>
        Refused(
            Assign(tenant, new UserBuilder().FromGroup(Sku.E3, GroupA).Build(), [Add(Sku.E3)], [Sku.E3]),
            DirectFailureCode.InheritedLicense, Sku.E3);

    [Fact]
    public void Removing_the_direct_copy_of_a_license_also_held_through_a_group_keeps_the_group_row()
    {
        var user = new UserBuilder().Direct(Sku.E3).FromGroup(Sku.E3, GroupA).Build();

        var applied = Applied(Assign(tenant, user, [], [Sku.E3]));

        Assert.Equal([GroupA], applied.Assignments.Select(a => a.AssignedByGroup));
        Assert.Empty(applied.SeatChanges);
    }

    [Fact]
    public void Removing_a_direct_license_of_a_sku_the_tenant_no_longer_has_is_allowed()
    {
        var applied = Applied(Assign(tenant, new UserBuilder().Direct(Sku.Unknown).Build(), [], [Sku.Unknown]));

        Assert.Empty(applied.Assignments);
        Assert.Empty(applied.SeatChanges);
    }

    [Fact]
    public void Unknown_sku_is_checked_before_the_product_kind()
    {
        var company = new Product(new Guid("c0000000-0000-0000-0000-000000000001"), "CONTOSO_CAPACITY", "Capacity", AppliesTo.Company, []);
        var withCompany = new TenantBuilder().Stock(company).Build();

        Refused(Assign(withCompany, new UserBuilder().Build(), [Add(company.SkuId), Add(Sku.E3)]), DirectFailureCode.UnknownSku, Sku.E3);
    }

    [Fact]
    public void A_company_product_cannot_be_assigned_to_a_user()
    {
        var company = new Product(new Guid("c0000000-0000-0000-0000-000000000001"), "CONTOSO_CAPACITY", "Capacity", AppliesTo.Company, []);
        var withCompany = new TenantBuilder().Stock(Sku.E3).Stock(company).Build();

        Refused(Assign(withCompany, new UserBuilder().Build(), [Add(Sku.E3), Add(company.SkuId)]), DirectFailureCode.NotAssignableToUser, company.SkuId);
    }

    public static TheoryData<Guid[], Guid[]> ForeignDisabledPlans => new()
    {
        // disabled plans in the request → the ones reported (distinct, in request order)
        { [Plan.SharePointPlan1], [Plan.SharePointPlan1] },
        { [Plan.SharePointPlan2, Plan.ExchangePlan1, Plan.PhoneSystem], [Plan.ExchangePlan1, Plan.PhoneSystem] },
        { [Plan.PhoneSystem, Plan.PhoneSystem], [Plan.PhoneSystem] },
    };

    [Theory]
    [MemberData(nameof(ForeignDisabledPlans))]
    public void Disabled_plans_must_belong_to_the_sku(Guid[] disabled, Guid[] reported) =>
        Refused(Assign(tenant, new UserBuilder().Build(), [Add(Sku.E3, disabled)]), DirectFailureCode.DisabledPlanNotInSku, Sku.E3, reported);

    [Fact]
    public void Disabling_a_plan_of_the_sku_is_recorded_on_the_direct_row()
    {
        var applied = Applied(Assign(tenant, new UserBuilder().Build(), [Add(Sku.E3, Plan.SharePointPlan2)]));

        var row = Assert.Single(applied.Assignments);
        Assert.Equal([Plan.SharePointPlan2], row.DisabledPlans);
        Assert.Equal((LicenseState.Active, LicenseError.None, (Guid?)null), (row.State, row.Error, row.AssignedByGroup));
    }
}
