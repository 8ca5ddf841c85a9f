using Skuld.Licensing.Engine;
using static Skuld.Licensing.Tests.Direct;

namespace Skuld.Licensing.Tests.Engine;

/// <summary>How a request's lists combine, and the shape of the result.</summary>
public sealed class RequestShapeTests
{
    private static readonly TenantSnapshot tenant = new TenantBuilder().Stock(Sku.E3).Stock(Sku.PowerBiPro).Stock(Sku.EntraP1).Build();

    [Fact]
    public void Re_adding_a_held_sku_replaces_its_direct_disabled_plans()
    {
        var user = new UserBuilder().Direct(Sku.E3, Plan.SharePointPlan2).Build();

        var row = Assert.Single(Applied(Assign(tenant, user, [Add(Sku.E3, Plan.ExchangePlan2)])).Assignments);

        Assert.Equal([Plan.ExchangePlan2], row.DisabledPlans);
    }

    [Fact]
    public void A_sku_listed_twice_in_add_takes_the_last_disabled_plans()
    {
        var applied = Applied(Assign(tenant, new UserBuilder().Build(), [Add(Sku.E3, Plan.SharePointPlan2), Add(Sku.E3)]));

        Assert.Empty(Assert.Single(applied.Assignments).DisabledPlans);
        Assert.Equal([new SeatChange(Sku.E3, +1)], applied.SeatChanges);
    }

    [Fact]
    public void A_sku_both_removed_and_added_stays_with_the_new_disabled_plans()
    {
        var applied = Applied(Assign(tenant, new UserBuilder().Direct(Sku.E3).Build(), [Add(Sku.E3, Plan.SharePointPlan2)], [Sku.E3]));

        Assert.Equal([Plan.SharePointPlan2], Assert.Single(applied.Assignments).DisabledPlans);
        Assert.Empty(applied.SeatChanges);
    }

    [Fact]
    public void Disabled_plans_are_stored_once_in_product_order()
    {
        var applied = Applied(Assign(tenant, new UserBuilder().Build(), [Add(Sku.E3, Plan.SharePointPlan2, Plan.ExchangePlan2, Plan.SharePointPlan2)]));

        Assert.Equal([Plan.ExchangePlan2, Plan.SharePointPlan2], Assert.Single(applied.Assignments).DisabledPlans);
    }

    [Fact]
    public void The_result_lists_every_row_sorted_by_sku_then_direct_first_then_group_and_keeps_group_rows_unchanged()
    {
        var groupRow = new AssignmentState(Sku.PowerBiPro, GroupB, [], LicenseState.Error, LicenseError.CountViolation);
        var user = new UserSnapshot(Guid.NewGuid(), "US",
            [groupRow, new AssignmentState(Sku.E3, GroupB, [], LicenseState.Active, LicenseError.None),
             new AssignmentState(Sku.E3, GroupA, [], LicenseState.Active, LicenseError.None)]);

        var applied = Applied(Assign(tenant, user, [Add(Sku.EntraP1), Add(Sku.E3)]));

        Assert.Equal(
            [(Sku.EntraP1, null), (Sku.E3, null), (Sku.E3, GroupA), (Sku.E3, GroupB), (Sku.PowerBiPro, GroupB)],
            applied.Assignments.Select(a => (a.SkuId, a.AssignedByGroup)));
        Assert.Contains(groupRow, applied.Assignments);
    }

    [Fact]
    public void An_empty_request_changes_nothing()
    {
        var user = new UserBuilder().Direct(Sku.E3).Build();

        var applied = Applied(Assign(tenant, user, []));

        Assert.Equal(user.Assignments, applied.Assignments);
        Assert.Empty(applied.SeatChanges);
    }
}
