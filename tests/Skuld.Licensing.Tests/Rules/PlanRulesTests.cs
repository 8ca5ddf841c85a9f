using Skuld.Licensing.Rules;

namespace Skuld.Licensing.Tests.Rules;

public sealed class PlanRulesTests
{
    private static readonly PlanRules builtIn = PlanRules.BuiltIn;

    [Fact]
    public void SharePoint_plan_1_and_plan_2_are_mutually_exclusive() =>
        Assert.True(builtIn.AreMutuallyExclusive(Plan.SharePointPlan1, Plan.SharePointPlan2));

    [Fact]
    public void Exchange_plan_1_and_plan_2_may_be_stacked_since_Microsoft_dropped_the_rule() =>
        Assert.False(builtIn.AreMutuallyExclusive(Plan.ExchangePlan1, Plan.ExchangePlan2));

    [Fact]
    public void A_plan_is_not_exclusive_with_itself() =>
        Assert.False(builtIn.AreMutuallyExclusive(Plan.SharePointPlan1, Plan.SharePointPlan1));

    [Fact]
    public void Only_the_current_table_is_used_38_plans_in_8_groups()
    {
        Assert.Equal(8, builtIn.ExclusionGroups.Length);
        Assert.Equal(38, builtIn.ExclusionGroups.Sum(g => g.PlanIds.Length));
    }

    [Fact]
    public void No_built_in_product_holds_two_plans_of_one_group()
    {
        var offenders = Skuld.Licensing.Catalogue.ProductCatalogue.BuiltIn.Products
            .Where(p => p.Plans.Any(a => p.Plans.Any(b => builtIn.AreMutuallyExclusive(a.Id, b.Id))))
            .Select(p => p.PartNumber);

        Assert.Empty(offenders);
    }

    [Fact]
    public void Seeded_prerequisites_are_any_of_sets()
    {
        Assert.Equal([Plan.SkypeForBusiness], builtIn.PrerequisitesOf(Plan.AudioConferencing));
        Assert.Equal([Plan.ExchangePlan1, Plan.ExchangePlan2], builtIn.PrerequisitesOf(Plan.WorkplaceAnalytics));
        Assert.Equal([Plan.PhoneSystem], builtIn.PrerequisitesOf(Plan.CallingPlan1));
        Assert.Equal([Plan.PhoneSystem], builtIn.PrerequisitesOf(new Guid("5a10155d-f5c1-411a-a8ec-e99aae125390")));
        Assert.Equal([Plan.PhoneSystem], builtIn.PrerequisitesOf(new Guid("54a152dc-90de-4996-93d2-bc47e670fc06")));
        Assert.Empty(builtIn.PrerequisitesOf(Plan.SharePointPlan2));
    }

    [Fact]
    public void The_documented_location_example_blocks_Skype_and_Phone_System_in_Brunei_only()
    {
        Assert.True(builtIn.IsProhibited(Plan.SkypeForBusiness, "BN"));
        Assert.True(builtIn.IsProhibited(Plan.PhoneSystem, "BN"));
        Assert.False(builtIn.IsProhibited(Plan.SkypeForBusiness, "US"));
        Assert.False(builtIn.IsProhibited(Plan.SharePointPlan2, "BN"));
    }

    [Fact]
    public void Custom_rules_merge_rows_of_one_plan()
    {
        var a = Guid.NewGuid();
        var b = Guid.NewGuid();
        var c = Guid.NewGuid();
        var rules = new PlanRules(
            [new ExclusionGroup("x", [a, b])],
            [new PlanDependency(a, [b]), new PlanDependency(a, [c])],
            [new LocationRestriction(a, ["FR"]), new LocationRestriction(a, ["DE"])]);

        Assert.True(rules.AreMutuallyExclusive(b, a));
        Assert.Equal([b, c], rules.PrerequisitesOf(a));
        Assert.True(rules.IsProhibited(a, "DE"));
        Assert.True(rules.IsProhibited(a, "FR"));
        Assert.False(PlanRules.None.IsProhibited(a, "FR"));
    }
}
