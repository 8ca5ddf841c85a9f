using Skuld.Licensing.Engine;
using Skuld.Licensing.Rules;
using static Skuld.Licensing.Tests.Direct;

namespace Skuld.Licensing.Tests.Engine;

/// <summary>Rule f: no two enabled plans of one exclusion group, over every source the user has.</summary>
public sealed class ExclusionTests
{
    private static readonly TenantSnapshot tenant = new TenantBuilder()
        .Stock(Sku.E1).Stock(Sku.E3).Stock(Sku.ExchangePlan1).Stock(Sku.ExchangePlan2).Build();

    [Fact]
    public void E3_on_a_user_with_E1_conflicts_on_SharePoint() =>
        Refused(Assign(tenant, new UserBuilder().Direct(Sku.E1).Build(), [Add(Sku.E3)]),
            DirectFailureCode.MutuallyExclusive, Sku.E3, Plan.SharePointPlan2, Plan.SharePointPlan1);

    [Fact]
    public void E1_and_E3_in_one_request_report_the_first_added_sku() =>
        Refused(Assign(tenant, new UserBuilder().Build(), [Add(Sku.E1), Add(Sku.E3)]),
            DirectFailureCode.MutuallyExclusive, Sku.E1, Plan.SharePointPlan1, Plan.SharePointPlan2);

    [Fact]
    public void A_conflicting_plan_from_a_group_counts() =>
        Refused(Assign(tenant, new UserBuilder().FromGroup(Sku.E1, GroupA).Build(), [Add(Sku.E3)]),
            DirectFailureCode.MutuallyExclusive, Sku.E3, Plan.SharePointPlan2, Plan.SharePointPlan1);

    [Fact]
    public void A_group_row_that_does_not_grant_the_license_does_not_count() =>
        Applied(Assign(tenant,
            new UserBuilder().FromGroup(Sku.E1, GroupA, LicenseState.Error, LicenseError.MutuallyExclusiveViolation).Build(),
            [Add(Sku.E3)]));

    public static TheoryData<string, Guid[], Guid[]> DisablingResolves => new()
    {
        { "plan 2 disabled in the added E3", [], [Plan.SharePointPlan2] },
        { "plan 1 disabled in the held E1", [Plan.SharePointPlan1], [] },
    };

    [Theory]
    [MemberData(nameof(DisablingResolves))]
    public void Disabling_one_of_the_conflicting_plans_resolves_it(string _, Guid[] disabledInE1, Guid[] disabledInE3) =>
        Applied(Assign(tenant, new UserBuilder().Direct(Sku.E1, disabledInE1).Build(), [Add(Sku.E3, disabledInE3)]));

    [Fact]
    public void Disabled_plans_of_one_source_do_not_hide_the_plan_enabled_by_another_source() =>
        Refused(Assign(tenant, new UserBuilder().Direct(Sku.E1, Plan.SharePointPlan1).FromGroup(Sku.E1, GroupA).Build(), [Add(Sku.E3)]),
            DirectFailureCode.MutuallyExclusive, Sku.E3, Plan.SharePointPlan2, Plan.SharePointPlan1);

    [Fact]
    public void Swapping_E1_for_E3_in_one_request_is_allowed() =>
        Applied(Assign(tenant, new UserBuilder().Direct(Sku.E1).Build(), [Add(Sku.E3)], [Sku.E1]));

    [Fact]
    public void Exchange_plan_1_and_plan_2_stack() =>
        Applied(Assign(tenant, new UserBuilder().Direct(Sku.ExchangePlan1).Build(), [Add(Sku.ExchangePlan2)]));

    [Fact]
    public void The_same_plan_from_two_products_is_no_conflict() =>
        Applied(Assign(tenant, new UserBuilder().Direct(Sku.E1).Build(), [Add(Sku.ExchangePlan1)]));

    [Fact]
    public void A_custom_legacy_rule_can_make_Exchange_plans_exclusive()
    {
        var legacy = new TenantBuilder().Stock(Sku.ExchangePlan1).Stock(Sku.ExchangePlan2)
            .Rules(new PlanRules([new ExclusionGroup("EXCHANGE_LEGACY", [Plan.ExchangePlan1, Plan.ExchangePlan2])], [], []))
            .Build();

        Refused(Assign(legacy, new UserBuilder().Direct(Sku.ExchangePlan1).Build(), [Add(Sku.ExchangePlan2)]),
            DirectFailureCode.MutuallyExclusive, Sku.ExchangePlan2, Plan.ExchangePlan2, Plan.ExchangePlan1);
    }
}
