using Skuld.Licensing.Engine;
using static Skuld.Licensing.Tests.Direct;

namespace Skuld.Licensing.Tests.Engine;

/// <summary>Rule e: one seat per SKU per user, whatever the number of sources.</summary>
public sealed class SeatTests
{
    [Theory]
    [InlineData(10, 0, true)]
    [InlineData(10, 9, true)]
    [InlineData(10, 10, false)]
    [InlineData(0, 0, false)]
    [InlineData(5, 7, false)]
    public void A_sku_the_user_does_not_hold_needs_a_free_seat(int enabled, int consumed, bool applies)
    {
        var tenant = new TenantBuilder().Stock(Sku.E3, enabled, consumed).Build();

        var outcome = Assign(tenant, new UserBuilder().Build(), [Add(Sku.E3)]);

        if (applies)
        {
            Assert.Equal([new SeatChange(Sku.E3, +1)], Applied(outcome).SeatChanges);
        }
        else
        {
            Refused(outcome, DirectFailureCode.NoAvailableLicenses, Sku.E3);
        }
    }

    [Fact]
    public void The_first_sku_without_seats_in_request_order_is_reported()
    {
        var tenant = new TenantBuilder().Stock(Sku.E3, 1, 1).Stock(Sku.PowerBiPro, 1, 1).Stock(Sku.EntraP1).Build();

        Refused(Assign(tenant, new UserBuilder().Build(), [Add(Sku.EntraP1), Add(Sku.PowerBiPro), Add(Sku.E3)]),
            DirectFailureCode.NoAvailableLicenses, Sku.PowerBiPro);
    }

    [Fact]
    public void Adding_directly_a_sku_held_through_a_group_costs_no_seat_even_when_none_is_free()
    {
        var tenant = new TenantBuilder().Stock(Sku.E3, 1, 1).Build();

        var applied = Applied(Assign(tenant, new UserBuilder().FromGroup(Sku.E3, GroupA).Build(), [Add(Sku.E3)]));

        Assert.Empty(applied.SeatChanges);
        Assert.Equal([null, GroupA], applied.Assignments.Select(a => a.AssignedByGroup));
    }

    [Fact]
    public void A_group_row_in_error_does_not_hold_the_sku_so_a_direct_add_needs_a_seat()
    {
        var tenant = new TenantBuilder().Stock(Sku.E3, 1, 1).Build();
        var user = new UserBuilder().FromGroup(Sku.E3, GroupA, LicenseState.Error, LicenseError.CountViolation).Build();

        Refused(Assign(tenant, user, [Add(Sku.E3)]), DirectFailureCode.NoAvailableLicenses, Sku.E3);
    }

    [Fact]
    public void Swapping_skus_in_one_request_frees_one_and_takes_one()
    {
        var tenant = new TenantBuilder().Stock(Sku.E1, 10, 1).Stock(Sku.E3).Build();

        var applied = Applied(Assign(tenant, new UserBuilder().Direct(Sku.E1).Build(), [Add(Sku.E3)], [Sku.E1]));

        Assert.Equal([Sku.E3], applied.Assignments.Select(a => a.SkuId));
        Assert.Equal(
            [new SeatChange(Sku.E1, -1), new SeatChange(Sku.E3, +1)],
            applied.SeatChanges.OrderBy(c => c.SkuId));
    }

    [Fact]
    public void Re_adding_a_held_sku_costs_nothing()
    {
        var tenant = new TenantBuilder().Stock(Sku.E3, 1, 1).Build();

        Assert.Empty(Applied(Assign(tenant, new UserBuilder().Direct(Sku.E3).Build(), [Add(Sku.E3)])).SeatChanges);
    }
}
