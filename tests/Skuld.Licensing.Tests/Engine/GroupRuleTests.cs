using Skuld.Licensing.Engine;
using static Skuld.Licensing.Engine.LicenseError;
using static Skuld.Licensing.Engine.LicenseState;
using static Skuld.Licensing.Tests.Direct;
using static Skuld.Licensing.Tests.Members;

namespace Skuld.Licensing.Tests.Engine;

/// <summary>Group-based licensing, rule family by rule family: the exact state and error of every row.</summary>
public sealed class GroupRuleTests
{
    private static readonly TenantSnapshot tenant = new TenantBuilder()
        .Stock(Sku.E1).Stock(Sku.E3).Stock(Sku.ExchangePlan2).Stock(Sku.PowerBiPro).Stock(Sku.AudioConferencing)
        .Stock(Sku.EntraP1).Build();

    [Fact]
    public void A_member_gets_one_active_row_per_product_of_the_group()
    {
        var outcome = Evaluate(tenant, Member(1, [Group(GroupA, Add(Sku.E3), Add(Sku.PowerBiPro))]));

        AssertRows(outcome, Row(Sku.E3, GroupA, Active), Row(Sku.PowerBiPro, GroupA, Active));
        Assert.Equal([new SeatChange(Sku.E3, +1), new SeatChange(Sku.PowerBiPro, +1)], outcome.SeatChanges.OrderBy(c => c.SkuId));
        Assert.True(outcome.Changed);
    }

    public static TheoryData<string, GroupLicense, string[]> InvalidProducts => new()
    {
        { "unknown SKU", Group(GroupA, Add(Sku.Unknown), Add(Sku.PowerBiPro)),
            [Row(Sku.Unknown, GroupA, Error, Other), Row(Sku.PowerBiPro, GroupA, Error, Other)] },
        { "disabled plan of another product", Group(GroupA, Add(Sku.E3, Plan.EntraP1), Add(Sku.PowerBiPro)),
            [Row(Sku.E3, GroupA, Error, Other), Row(Sku.PowerBiPro, GroupA, Error, Other)] },
    };

    [Theory]
    [MemberData(nameof(InvalidProducts))]
    public void An_invalid_product_fails_the_whole_group_with_Other(string why, GroupLicense group, string[] rows)
    {
        var outcome = Evaluate(tenant, Member(1, [group]));

        AssertRows(outcome, rows);
        Assert.Empty(outcome.SeatChanges);
        Assert.NotNull(why);
    }

    [Fact]
    public void A_plan_prohibited_in_the_usage_location_fails_its_product_and_the_rest_of_the_group_gets_Other() =>
        AssertRows(Evaluate(tenant, Member(1, [Group(GroupA, Add(Sku.E3), Add(Sku.PowerBiPro))], new UserBuilder().In("BN"))),
            Row(Sku.E3, GroupA, Error, ProhibitedInUsageLocationViolation), Row(Sku.PowerBiPro, GroupA, Error, Other));

    [Fact]
    public void Disabling_the_prohibited_plan_in_the_group_lets_the_product_through() =>
        AssertRows(Evaluate(tenant, Member(1, [Group(GroupA, Add(Sku.E3, Plan.SkypeForBusiness))], new UserBuilder().In("BN"))),
            Row(Sku.E3, GroupA, Active));

    [Theory]
    [InlineData("US", Active, None)]
    [InlineData("BN", Error, ProhibitedInUsageLocationViolation)]
    [InlineData("", Error, ProhibitedInUsageLocationViolation)]
    public void A_user_without_usage_location_falls_back_to_the_tenant_country(string country, LicenseState state, LicenseError error)
    {
        var withoutLocation = new TenantBuilder().Stock(Sku.E3).Country(country).Build();
        var member = Member(1, [Group(GroupA, Add(Sku.E3))], new UserBuilder().In(null));

        var outcome = Evaluate(withoutLocation, member);

        AssertRows(outcome, Row(Sku.E3, GroupA, state, error));
        Assert.Null(member.User.UsageLocation);
    }

    [Fact]
    public void The_users_own_location_wins_over_the_tenant_country() =>
        AssertRows(Evaluate(new TenantBuilder().Stock(Sku.E3).Country("BN").Build(), Member(1, [Group(GroupA, Add(Sku.E3))])),
            Row(Sku.E3, GroupA, Active));

    [Fact]
    public void A_proxy_clash_fails_products_with_a_mailbox_and_the_rest_of_their_group() =>
        AssertRows(Evaluate(tenant, Member(1, [Group(GroupA, Add(Sku.ExchangePlan2), Add(Sku.PowerBiPro)), Group(GroupB, Add(Sku.EntraP1))], proxyClash: true)),
            Row(Sku.ExchangePlan2, GroupA, Error, UniquenessViolation), Row(Sku.PowerBiPro, GroupA, Error, Other),
            Row(Sku.EntraP1, GroupB, Active));

    [Fact]
    public void A_group_product_exclusive_with_a_direct_plan_fails_and_the_direct_row_stays() =>
        AssertRows(Evaluate(tenant, Member(1, [Group(GroupA, Add(Sku.E3), Add(Sku.PowerBiPro))], new UserBuilder().Direct(Sku.E1))),
            Row(Sku.E1, null, Active), Row(Sku.E3, GroupA, Error, MutuallyExclusiveViolation), Row(Sku.PowerBiPro, GroupA, Error, Other));

    [Fact]
    public void Of_two_new_exclusive_groups_the_lower_group_id_wins() =>
        AssertRows(Evaluate(tenant, Member(1, [Group(GroupB, Add(Sku.E1)), Group(GroupA, Add(Sku.E3))])),
            Row(Sku.E3, GroupA, Active), Row(Sku.E1, GroupB, Error, MutuallyExclusiveViolation));

    [Fact]
    public void A_group_already_granting_wins_over_a_new_exclusive_group()
    {
        var user = new UserBuilder().FromGroup(Sku.E1, GroupB);

        AssertRows(Evaluate(tenant, Member(1, [Group(GroupB, Add(Sku.E1)), Group(GroupA, Add(Sku.E3))], user)),
            Row(Sku.E1, GroupB, Active), Row(Sku.E3, GroupA, Error, MutuallyExclusiveViolation));
    }

    [Fact]
    public void A_dependent_product_without_its_prerequisite_fails_with_DependencyViolation() =>
        AssertRows(Evaluate(tenant, Member(1, [Group(GroupA, Add(Sku.AudioConferencing))])),
            Row(Sku.AudioConferencing, GroupA, Error, DependencyViolation));

    [Fact]
    public void A_prerequisite_in_the_same_group_or_held_elsewhere_satisfies_the_dependency()
    {
        AssertRows(Evaluate(tenant, Member(1, [Group(GroupA, Add(Sku.AudioConferencing), Add(Sku.E3))])),
            Row(Sku.AudioConferencing, GroupA, Active), Row(Sku.E3, GroupA, Active));
        AssertRows(Evaluate(tenant, Member(1, [Group(GroupA, Add(Sku.AudioConferencing))], new UserBuilder().Direct(Sku.E3))),
            Row(Sku.AudioConferencing, GroupA, Active), Row(Sku.E3, null, Active));
    }

    [Fact]
    public void A_prerequisite_from_another_group_counts_once_that_group_grants() =>
        AssertRows(Evaluate(tenant, Member(1, [Group(GroupA, Add(Sku.AudioConferencing)), Group(GroupB, Add(Sku.E3))])),
            Row(Sku.AudioConferencing, GroupA, Active), Row(Sku.E3, GroupB, Active));

    [Fact]
    public void A_prerequisite_from_a_group_the_user_left_does_not_count_for_a_new_product()
    {
        var user = new UserBuilder().FromGroup(Sku.E3, GroupB);

        var outcome = Evaluate(tenant, Member(1, [Group(GroupA, Add(Sku.AudioConferencing))], user));

        AssertRows(outcome, Row(Sku.AudioConferencing, GroupA, Error, DependencyViolation));
        Assert.Equal([new SeatChange(Sku.E3, -1)], outcome.SeatChanges);
    }

    [Fact]
    public void Leaving_the_group_that_gives_the_only_prerequisite_is_refused_and_the_row_stays_with_DependencyViolation()
    {
        var user = new UserBuilder().Direct(Sku.AudioConferencing).FromGroup(Sku.E3, GroupA);

        var outcome = Evaluate(tenant, Member(1, [], user));

        AssertRows(outcome, Row(Sku.AudioConferencing, null, Active), Row(Sku.E3, GroupA, ActiveWithError, DependencyViolation));
        Assert.Empty(outcome.SeatChanges);
    }

    [Fact]
    public void The_refused_removal_goes_through_once_the_dependent_plan_is_gone()
    {
        var user = new UserBuilder().FromGroup(Sku.E3, GroupA, ActiveWithError, DependencyViolation);

        var outcome = Evaluate(tenant, Member(1, [], user));

        Assert.Empty(outcome.Assignments);
        Assert.Equal([new SeatChange(Sku.E3, -1)], outcome.SeatChanges);
    }

    [Fact]
    public void A_group_change_that_removes_the_only_prerequisite_is_refused_and_the_old_row_keeps_granting()
    {
        var user = new UserBuilder().Direct(Sku.AudioConferencing).FromGroup(Sku.E3, GroupA);

        AssertRows(Evaluate(tenant, Member(1, [Group(GroupA, Add(Sku.E3, Plan.SkypeForBusiness))], user)),
            Row(Sku.AudioConferencing, null, Active), Row(Sku.E3, GroupA, ActiveWithError, DependencyViolation));
    }

    [Fact]
    public void Rows_of_a_group_the_user_left_are_dropped_and_direct_rows_are_kept_as_they_are()
    {
        var user = new UserBuilder().Direct(Sku.PowerBiPro).FromGroup(Sku.E3, GroupA)
            .FromGroup(Sku.E1, GroupB, Error, CountViolation);

        var outcome = Evaluate(tenant, Member(1, [], user));

        AssertRows(outcome, Row(Sku.PowerBiPro, null, Active));
        Assert.Equal([new SeatChange(Sku.E3, -1)], outcome.SeatChanges);
    }

    [Fact]
    public void A_failed_group_change_takes_nothing_away_the_granting_rows_stay_ActiveWithError()
    {
        var noPowerBi = new TenantBuilder().Stock(Sku.E3).Stock(Sku.PowerBiPro, 0).Build();
        var user = new UserBuilder().FromGroup(Sku.E3, GroupA);

        var outcome = Evaluate(noPowerBi, Member(1, [Group(GroupA, Add(Sku.E3), Add(Sku.PowerBiPro))], user));

        AssertRows(outcome, Row(Sku.E3, GroupA, ActiveWithError, Other), Row(Sku.PowerBiPro, GroupA, Error, CountViolation));
        Assert.Empty(outcome.SeatChanges);
    }

    [Fact]
    public void Unchanged_rows_come_back_as_the_same_array_with_Changed_false()
    {
        var member = Member(1, [Group(GroupA, Add(Sku.E3))], new UserBuilder().FromGroup(Sku.E3, GroupA).Direct(Sku.PowerBiPro));

        var outcome = Evaluate(tenant, member);

        Assert.False(outcome.Changed);
        Assert.Equal(member.User.Assignments, outcome.Assignments);
    }
}
