using Skuld.Licensing.Engine;
using static Skuld.Licensing.Tests.Direct;

namespace Skuld.Licensing.Tests.Engine;

/// <summary>Rule g: every enabled plan keeps one of its prerequisites.</summary>
public sealed class DependencyTests
{
    private static readonly TenantSnapshot tenant = new TenantBuilder()
        .Stock(Sku.E3).Stock(Sku.AudioConferencing).Stock(Sku.PhoneSystem).Stock(Sku.CallingPlan1)
        .Stock(Sku.WorkplaceAnalytics).Stock(Sku.ExchangePlan1).Stock(Sku.ExchangePlan2).Stock(Sku.PowerBiPro).Build();

    [Fact]
    public void Audio_conferencing_alone_fails_naming_dependent_then_prerequisite() =>
        Refused(Assign(tenant, new UserBuilder().Build(), [Add(Sku.AudioConferencing)]),
            DirectFailureCode.Dependency, Sku.AudioConferencing, Plan.AudioConferencing, Plan.SkypeForBusiness);

    [Fact]
    public void Workplace_analytics_alone_fails_naming_every_alternative() =>
        Refused(Assign(tenant, new UserBuilder().Build(), [Add(Sku.WorkplaceAnalytics)]),
            DirectFailureCode.Dependency, Sku.WorkplaceAnalytics, Plan.WorkplaceAnalytics, Plan.ExchangePlan1, Plan.ExchangePlan2);

    public static TheoryData<Guid> ExchangePlans => [Sku.ExchangePlan1, Sku.ExchangePlan2];

    [Theory]
    [MemberData(nameof(ExchangePlans))]
    public void Workplace_analytics_accepts_either_Exchange_plan(Guid exchangeSku) =>
        Applied(Assign(tenant, new UserBuilder().Direct(exchangeSku).Build(), [Add(Sku.WorkplaceAnalytics)]));

    [Fact]
    public void A_prerequisite_added_in_the_same_request_counts() =>
        Applied(Assign(tenant, new UserBuilder().Build(), [Add(Sku.CallingPlan1), Add(Sku.PhoneSystem)]));

    [Fact]
    public void A_prerequisite_from_a_group_counts() =>
        Applied(Assign(tenant, new UserBuilder().FromGroup(Sku.E3, GroupA).Build(), [Add(Sku.AudioConferencing)]));

    [Fact]
    public void Disabling_the_prerequisite_while_the_dependent_stays_fails_on_the_changed_sku() =>
        Refused(Assign(tenant, new UserBuilder().Direct(Sku.E3).Direct(Sku.AudioConferencing).Build(), [Add(Sku.E3, Plan.SkypeForBusiness)]),
            DirectFailureCode.Dependency, Sku.E3, Plan.AudioConferencing, Plan.SkypeForBusiness);

    [Fact]
    public void Removing_the_sku_that_gave_the_prerequisite_fails_on_that_sku() =>
        Refused(Assign(tenant, new UserBuilder().Direct(Sku.E3).Direct(Sku.AudioConferencing).Build(), [], [Sku.E3]),
            DirectFailureCode.Dependency, Sku.E3, Plan.AudioConferencing, Plan.SkypeForBusiness);

    [Fact]
    public void Removing_a_direct_prerequisite_also_given_by_a_group_is_fine() =>
        Applied(Assign(tenant, new UserBuilder().Direct(Sku.E3).FromGroup(Sku.E3, GroupA).Direct(Sku.AudioConferencing).Build(), [], [Sku.E3]));

    [Fact]
    public void Removing_the_dependent_and_the_prerequisite_together_is_fine() =>
        Applied(Assign(tenant, new UserBuilder().Direct(Sku.E3).Direct(Sku.AudioConferencing).Build(), [], [Sku.E3, Sku.AudioConferencing]));

    [Fact]
    public void Disabling_the_dependent_plan_allows_the_product_alone() =>
        Applied(Assign(tenant, new UserBuilder().Build(), [Add(Sku.AudioConferencing, Plan.AudioConferencing)]));

    [Fact]
    public void A_violation_the_user_already_had_does_not_block_unrelated_changes() =>
        Applied(Assign(tenant, new UserBuilder().Direct(Sku.AudioConferencing).Build(), [Add(Sku.PowerBiPro)]));
}
