using Skuld.Licensing.Engine;
using static Skuld.Licensing.Engine.LicenseError;
using static Skuld.Licensing.Engine.LicenseState;
using static Skuld.Licensing.Tests.Direct;
using static Skuld.Licensing.Tests.Members;

namespace Skuld.Licensing.Tests.Engine;

/// <summary>Seats in group-based licensing: one per SKU per user, and a queue in membership order when they run out.</summary>
public sealed class GroupSeatTests
{
    [Fact]
    public void Direct_and_two_groups_of_one_sku_use_one_seat_and_enable_the_union_of_their_plans()
    {
        var tenant = new TenantBuilder().Stock(Sku.E3, 1, 1).Build();
        var member = Member(1,
            [Group(GroupA, Add(Sku.E3, Plan.SharePointPlan2, Plan.SkypeForBusiness)), Group(GroupB, Add(Sku.E3, Plan.SharePointPlan2))],
            new UserBuilder().Direct(Sku.E3, Plan.SharePointPlan2, Plan.ExchangePlan2));
        var ledger = SeatLedger.For(tenant);

        var outcome = LicenseEngine.EvaluateMembers(tenant, [member], ledger).Single();

        AssertRows(outcome, Row(Sku.E3, null, Active), Row(Sku.E3, GroupA, Active), Row(Sku.E3, GroupB, Active));
        Assert.Empty(outcome.SeatChanges);
        Assert.Equal(1, ledger.Consumed(Sku.E3));
        var effective = LicenseEngine.Effective(tenant, outcome.Assignments).Single();
        Assert.Equal([Plan.SharePointPlan2], effective.DisabledPlans);
    }

    [Fact]
    public void A_new_member_of_two_groups_with_the_same_sku_needs_one_seat()
    {
        var tenant = new TenantBuilder().Stock(Sku.E3, 1).Build();

        var outcome = Evaluate(tenant, Member(1, [Group(GroupA, Add(Sku.E3)), Group(GroupB, Add(Sku.E3))]));

        AssertRows(outcome, Row(Sku.E3, GroupA, Active), Row(Sku.E3, GroupB, Active));
        Assert.Equal([new SeatChange(Sku.E3, +1)], outcome.SeatChanges);
    }

    private static readonly GroupLicense e3 = Group(GroupA, Add(Sku.E3));

    private static MemberInput[] FiveMembers() => [.. Enumerable.Range(1, 5).Select(n => Member(n, [e3]))];

    [Fact]
    public void When_seats_run_short_the_earliest_members_win_and_the_rest_get_CountViolation()
    {
        var tenant = new TenantBuilder().Stock(Sku.E3, 3).Build();
        var ledger = SeatLedger.For(tenant);

        var outcomes = LicenseEngine.EvaluateMembers(tenant, [.. FiveMembers().Reverse()], ledger);

        Assert.Equal([UserId(1), UserId(2), UserId(3), UserId(4), UserId(5)], outcomes.Select(o => o.UserId));
        Assert.Equal([Active, Active, Active, Error, Error], outcomes.Select(o => o.Assignments.Single().State));
        Assert.Equal([None, None, None, CountViolation, CountViolation], outcomes.Select(o => o.Assignments.Single().Error));
        Assert.Equal(3, ledger.Consumed(Sku.E3));
        Assert.Equal(0, ledger.Available(Sku.E3));
        Assert.Equal([new SeatChange(Sku.E3, 3)], ledger.NetChanges);
    }

    [Fact]
    public void Reprocessing_a_short_group_changes_nothing()
    {
        var tenant = new TenantBuilder().Stock(Sku.E3, 3).Build();
        var members = FiveMembers();
        var first = LicenseEngine.EvaluateMembers(tenant, members, SeatLedger.For(tenant));
        var after = new TenantBuilder().Stock(Sku.E3, 3, 3).Build();

        var second = LicenseEngine.EvaluateMembers(after, [.. members.Select((m, i) => Again(m, first[i]))], SeatLedger.For(after));

        Assert.All(second, o => Assert.False(o.Changed));
        Assert.All(second, o => Assert.Empty(o.SeatChanges));
        Assert.Equal(first.Select(Rows), second.Select(Rows));
    }

    [Fact]
    public void A_later_member_who_already_holds_a_seat_keeps_it_and_an_earlier_waiter_still_waits()
    {
        var tenant = new TenantBuilder().Stock(Sku.E3, 1, 1).Build();
        MemberInput[] members = [Member(1, [e3]), Member(2, [e3], new UserBuilder().FromGroup(Sku.E3, GroupA))];

        var outcomes = LicenseEngine.EvaluateMembers(tenant, members, SeatLedger.For(tenant));

        Assert.Equal([Row(Sku.E3, GroupA, Error, CountViolation)], Rows(outcomes[0]));
        Assert.Equal([Row(Sku.E3, GroupA, Active)], Rows(outcomes[1]));
    }

    [Fact]
    public void After_more_units_are_bought_reprocessing_makes_everyone_active()
    {
        var tenant = new TenantBuilder().Stock(Sku.E3, 3).Build();
        var members = FiveMembers();
        var first = LicenseEngine.EvaluateMembers(tenant, members, SeatLedger.For(tenant));
        var bought = new TenantBuilder().Stock(Sku.E3, 5, 3).Build();
        var ledger = SeatLedger.For(bought);

        var second = LicenseEngine.EvaluateMembers(bought, [.. members.Select((m, i) => Again(m, first[i]))], ledger);

        Assert.All(second, o => Assert.Equal([Row(Sku.E3, GroupA, Active)], Rows(o)));
        Assert.Equal([false, false, false, true, true], second.Select(o => o.Changed));
        Assert.Equal(5, ledger.Consumed(Sku.E3));
    }

    [Fact]
    public void Leaving_the_group_frees_the_seat_for_the_next_waiter_in_the_same_run()
    {
        var tenant = new TenantBuilder().Stock(Sku.E3, 1, 1).Build();
        var leaver = Member(9, [], new UserBuilder().FromGroup(Sku.E3, GroupA)) with { MemberSince = DateTimeOffset.MinValue };
        var waiter = Member(1, [e3], new UserBuilder().FromGroup(Sku.E3, GroupA, Error, CountViolation));
        var ledger = SeatLedger.For(tenant);

        var outcomes = LicenseEngine.EvaluateMembers(tenant, [waiter, leaver], ledger);

        Assert.Empty(outcomes[0].Assignments);
        Assert.Equal([new SeatChange(Sku.E3, -1)], outcomes[0].SeatChanges);
        Assert.Equal([Row(Sku.E3, GroupA, Active)], Rows(outcomes[1]));
        Assert.Equal(1, ledger.Consumed(Sku.E3));
        Assert.False(ledger.NeedsAnotherPass);
    }

    [Fact]
    public void Leaving_a_group_while_holding_the_sku_directly_frees_nothing()
    {
        var tenant = new TenantBuilder().Stock(Sku.E3, 1, 1).Build();

        var outcome = Evaluate(tenant, Member(1, [], new UserBuilder().Direct(Sku.E3).FromGroup(Sku.E3, GroupA)));

        AssertRows(outcome, Row(Sku.E3, null, Active));
        Assert.Empty(outcome.SeatChanges);
    }

    [Fact]
    public void A_seat_freed_after_an_earlier_member_was_refused_asks_for_another_pass_which_gives_it_to_that_member()
    {
        var tenant = new TenantBuilder().Stock(Sku.E3, 1, 1).Build();
        MemberInput[] members = [Member(1, [e3]), Member(2, [], new UserBuilder().FromGroup(Sku.E3, GroupA))];
        var ledger = SeatLedger.For(tenant);

        var first = LicenseEngine.EvaluateMembers(tenant, members, ledger);

        Assert.Equal([Row(Sku.E3, GroupA, Error, CountViolation)], Rows(first[0]));
        Assert.True(ledger.NeedsAnotherPass);
        Assert.Equal([Sku.E3], ledger.FreedAfterRefusal);

        var again = new TenantBuilder().Stock(Sku.E3, 1, 0).Build();
        var second = LicenseEngine.EvaluateMembers(again, [Again(members[0], first[0])], SeatLedger.For(again));
        Assert.Equal([Row(Sku.E3, GroupA, Active)], Rows(second[0]));
    }

    [Fact]
    public void A_group_short_of_seats_marks_every_product_that_needed_one_and_Other_for_a_product_held_elsewhere()
    {
        var tenant = new TenantBuilder().Stock(Sku.E3, 1, 1).Stock(Sku.PowerBiPro, 5).Stock(Sku.EntraP1, 5, 1).Build();
        var group = Group(GroupA, Add(Sku.E3), Add(Sku.PowerBiPro), Add(Sku.EntraP1));

        var outcome = Evaluate(tenant, Member(1, [group], new UserBuilder().Direct(Sku.EntraP1)));

        AssertRows(outcome, Row(Sku.E3, GroupA, Error, CountViolation), Row(Sku.PowerBiPro, GroupA, Error, CountViolation),
            Row(Sku.EntraP1, GroupA, Error, Other), Row(Sku.EntraP1, null, Active));
        Assert.Empty(outcome.SeatChanges);
    }

    [Fact]
    public void What_if_leaves_the_real_ledger_alone()
    {
        var tenant = new TenantBuilder().Stock(Sku.E3, 3).Build();
        var ledger = SeatLedger.For(tenant);

        var (outcomes, after) = LicenseEngine.WhatIfMembers(tenant, FiveMembers(), ledger);

        Assert.Equal(3, outcomes.Count(o => o.Assignments.Single().State == Active));
        Assert.Equal(0, ledger.Consumed(Sku.E3));
        Assert.Equal(3, after.Consumed(Sku.E3));
    }

    [Fact]
    public void The_same_user_twice_in_a_batch_is_a_caller_bug()
    {
        var tenant = new TenantBuilder().Stock(Sku.E3).Build();

        Assert.Throws<ArgumentException>(() =>
            LicenseEngine.EvaluateMembers(tenant, [Member(1, [e3]), Member(1, [e3]) with { MemberSince = DateTimeOffset.MaxValue }], SeatLedger.For(tenant)));
    }

    [Fact]
    public void Thousands_of_distinct_users_pass_the_duplicate_check_and_one_repeated_far_apart_does_not()
    {
        var tenant = new TenantBuilder().Stock(Sku.E3).Build();
        MemberInput[] members =
        [
            Member(0, []) with { User = new UserBuilder().Build() with { UserId = Guid.Empty } },
            .. Enumerable.Range(1, 5000).Select(n => Member(n, [])),
        ];

        Assert.Equal(5001, LicenseEngine.EvaluateMembers(tenant, members, SeatLedger.For(tenant)).Length);
        Assert.Throws<ArgumentException>(() => LicenseEngine.EvaluateMembers(
            tenant, [.. members, Member(2500, []) with { MemberSince = DateTimeOffset.MaxValue }], SeatLedger.For(tenant)));
        Assert.Throws<ArgumentException>(() => LicenseEngine.EvaluateMembers(
            tenant, [.. members, members[0] with { MemberSince = DateTimeOffset.MaxValue }], SeatLedger.For(tenant)));
    }
}
