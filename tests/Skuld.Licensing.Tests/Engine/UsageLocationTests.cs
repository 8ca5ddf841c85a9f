using Skuld.Licensing.Engine;
using static Skuld.Licensing.Tests.Direct;

namespace Skuld.Licensing.Tests.Engine;

/// <summary>Rule d: a valid usage location, and no newly enabled plan prohibited there.</summary>
public sealed class UsageLocationTests
{
    private static readonly TenantSnapshot tenant = new TenantBuilder().Stock(Sku.E1).Stock(Sku.E3).Stock(Sku.PowerBiPro).Build();

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("us")]
    [InlineData("USA")]
    [InlineData("XX")]
    public void Adding_without_a_valid_usage_location_fails_and_never_falls_back_to_the_tenant_country(string? location)
    {
        var failure = Refused(Assign(tenant, new UserBuilder().In(location).Build(), [Add(Sku.PowerBiPro)]), DirectFailureCode.InvalidUsageLocation, null);

        Assert.Equal(location, failure.UsageLocation);
    }

    [Fact]
    public void Removing_needs_no_usage_location() =>
        Applied(Assign(tenant, new UserBuilder().In(null).Direct(Sku.E3).Build(), [], [Sku.E3]));

    [Fact]
    public void A_plan_prohibited_in_the_users_location_fails_naming_plan_and_location()
    {
        var failure = Refused(
            Assign(tenant, new UserBuilder().In("BN").Build(), [Add(Sku.PowerBiPro), Add(Sku.E3)]),
            DirectFailureCode.ProhibitedInUsageLocation, Sku.E3, Plan.SkypeForBusiness);

        Assert.Equal("BN", failure.UsageLocation);
    }

    [Fact]
    public void Disabling_the_prohibited_plan_allows_the_product() =>
        Applied(Assign(tenant, new UserBuilder().In("BN").Build(), [Add(Sku.E3, Plan.SkypeForBusiness)]));

    [Fact]
    public void A_prohibited_plan_the_user_already_has_enabled_is_not_newly_enabled() =>
        Applied(Assign(tenant, new UserBuilder().In("BN").FromGroup(Sku.E3, GroupA).Build(), [Add(Sku.E3)]));

    [Fact]
    public void The_same_product_is_fine_elsewhere() =>
        Applied(Assign(tenant, new UserBuilder().In("GB").Build(), [Add(Sku.E3)]));
}
