using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using Skuld.Licensing.Engine;
using static Skuld.Licensing.Tests.Direct;

namespace Skuld.Licensing.Tests.Engine;

/// <summary>Invariants over random tenants, users and requests (FsCheck, run inside facts).</summary>
public sealed class EnginePropertyTests
{
    private static readonly Guid[] skus =
    [
        Sku.E1, Sku.E3, Sku.ExchangePlan1, Sku.ExchangePlan2, Sku.AudioConferencing,
        Sku.PhoneSystem, Sku.CallingPlan1, Sku.PowerBiPro, Sku.EntraP1,
    ];

    private static readonly Guid[] groups = [GroupA, GroupB];

    private static readonly string?[] locations = ["US", "US", "BN", null];

    // Plans that some rule mentions, so random disabled plans often matter.
    private static readonly HashSet<Guid> interestingPlans =
    [
        Plan.SharePointPlan1, Plan.SharePointPlan2, Plan.ExchangePlan1, Plan.ExchangePlan2,
        Plan.SkypeForBusiness, Plan.AudioConferencing, Plan.PhoneSystem, Plan.CallingPlan1,
    ];

    private static readonly Config config = Config.QuickThrowOnFailure.WithMaxTest(200);

    private sealed record Request(int User, LicenseRequest[] Add, Guid[] Remove);

    private static Gen<Guid[]> DisabledPlansOf(Guid skuId)
    {
        var plans = Skuld.Licensing.Catalogue.ProductCatalogue.BuiltIn.Find(skuId)!.Plans.Select(p => p.Id).ToArray();
        return Gen.Frequency(
            (3, Gen.Constant(Array.Empty<Guid>())),
            (2, Gen.SubListOf(plans.Where(interestingPlans.Contains)).Select(l => l.ToArray())),
            (1, Gen.SubListOf(plans).Select(l => l.ToArray())));
    }

    private static readonly Gen<LicenseRequest> licenseRequest =
        Gen.Elements(skus).SelectMany(DisabledPlansOf, (sku, disabled) => new LicenseRequest(sku, [.. disabled]));

    private static Gen<Request> RequestFor(int users) =>
        from user in Gen.Choose(0, users - 1)
        from add in Gen.ListOf(licenseRequest).Resize(3)
        from remove in Gen.SubListOf(skus).Resize(2).Select(l => l.Take(2).ToArray())
        select new Request(user, [.. add], remove);

    private static readonly Gen<ImmutableDictionary<Guid, int>> units =
        Gen.CollectToArray(skus, _ => Gen.Choose(0, 3))
            .Select(counts => skus.Zip(counts).ToImmutableDictionary(p => p.First, p => p.Second));

    [Fact]
    public void Consumed_seats_never_exceed_enabled_units_and_equal_the_number_of_holders()
    {
        const int users = 6;
        var scenario =
            from enabled in units
            from userLocations in Gen.ArrayOf(Gen.Elements(locations), users)
            from requests in Gen.ListOf(RequestFor(users)).Resize(40)
            select (enabled, userLocations, requests);

        Prop.ForAll(scenario.ToArbitrary(), s =>
        {
            var stock = skus.ToDictionary(sku => sku, sku => new SkuStock(Skuld.Licensing.Catalogue.ProductCatalogue.BuiltIn.Find(sku)!, s.enabled[sku], 0));
            var people = Enumerable.Range(0, users)
                .Select(i => new UserSnapshot(Guid.NewGuid(), s.userLocations[i], []))
                .ToArray();

            foreach (var request in s.requests)
            {
                var tenant = new TenantSnapshot("US", stock.ToImmutableDictionary(), Skuld.Licensing.Rules.PlanRules.BuiltIn);
                var outcome = LicenseEngine.AssignDirect(tenant, people[request.User], [.. request.Add], [.. request.Remove]);
                if (outcome is DirectOutcome.Applied applied)
                {
                    people[request.User] = people[request.User] with { Assignments = applied.Assignments };
                    foreach (var change in applied.SeatChanges)
                    {
                        var before = stock[change.SkuId];
                        stock[change.SkuId] = before with { ConsumedUnits = before.ConsumedUnits + change.Delta };
                    }
                }

                foreach (var (sku, held) in stock)
                {
                    var holders = people.Count(p => p.Assignments.Any(a => a.SkuId == sku && a.GrantsLicense));
                    Assert.Equal(holders, held.ConsumedUnits);
                    Assert.True(held.ConsumedUnits <= held.EnabledUnits, $"{sku}: {held.ConsumedUnits} > {held.EnabledUnits}");
                }
            }
        }).Check(config);
    }

    private static readonly Gen<AssignmentState> assignmentRow =
        from sku in Gen.Elements(skus)
        from source in Gen.Elements<Guid?>(null, GroupA, GroupB)
        from disabled in DisabledPlansOf(sku)
        from state in Gen.Frequency(
            (4, Gen.Constant((LicenseState.Active, LicenseError.None))),
            (1, Gen.Constant((LicenseState.ActiveWithError, LicenseError.Other))),
            (1, Gen.Constant((LicenseState.Error, LicenseError.CountViolation))))
        select new AssignmentState(sku, source, [.. disabled], state.Item1, state.Item2);

    // One row per (SKU, source), as a user has.
    private static readonly Gen<AssignmentState[]> userRows =
        Gen.ListOf(assignmentRow).Resize(6)
            .Select(rows => rows.DistinctBy(r => (r.SkuId, r.AssignedByGroup)).ToArray());

    [Fact]
    public void Direct_evaluation_is_deterministic_and_independent_of_the_order_of_the_users_rows()
    {
        var scenario =
            from enabled in units
            from location in Gen.Elements(locations)
            from rows in userRows
            from shuffled in Gen.Shuffle(rows)
            from request in RequestFor(1)
            select (enabled, location, rows, shuffled, request);

        Prop.ForAll(scenario.ToArbitrary(), s =>
        {
            var tenant = TenantWith(s.enabled);
            var user = new UserSnapshot(Guid.Empty, s.location, [.. s.rows]);
            var reordered = user with { Assignments = [.. s.shuffled] };

            var first = Describe(LicenseEngine.AssignDirect(tenant, user, [.. s.request.Add], [.. s.request.Remove]));
            var again = Describe(LicenseEngine.AssignDirect(tenant, user, [.. s.request.Add], [.. s.request.Remove]));
            var otherOrder = Describe(LicenseEngine.AssignDirect(tenant, reordered, [.. s.request.Add], [.. s.request.Remove]));

            Assert.Equal(first, again);
            Assert.Equal(first, otherOrder);
            Assert.Equal(DescribeEffective(tenant, s.rows), DescribeEffective(tenant, s.shuffled));
        }).Check(config);
    }

    [Fact]
    public void Effective_enabled_plans_are_the_union_of_the_granting_sources()
    {
        Prop.ForAll(userRows.ToArbitrary(), rows =>
        {
            var tenant = TenantWith(skus.ToImmutableDictionary(s => s, _ => 1));

            var effective = LicenseEngine.Effective(tenant, rows);

            var granting = rows.Where(r => r.GrantsLicense).GroupBy(r => r.SkuId).ToList();
            Assert.Equal(granting.Select(g => g.Key).Order(), effective.Select(e => e.SkuId));
            foreach (var license in effective)
            {
                var product = tenant.Skus[license.SkuId].Product;
                var union = granting.Single(g => g.Key == license.SkuId)
                    .SelectMany(r => product.Plans.Select(p => p.Id).Where(id => !r.DisabledPlans.Contains(id)))
                    .ToHashSet();
                Assert.True(union.SetEquals(license.EnabledPlans));
                Assert.Equal(union.Count, license.EnabledPlans.Length);
                Assert.True(product.Plans.Select(p => p.Id).Except(union).ToHashSet().SetEquals(license.DisabledPlans));
            }
        }).Check(config);
    }

    private static TenantSnapshot TenantWith(ImmutableDictionary<Guid, int> enabled) =>
        new("US",
            skus.ToImmutableDictionary(sku => sku, sku => new SkuStock(Skuld.Licensing.Catalogue.ProductCatalogue.BuiltIn.Find(sku)!, enabled[sku], 1)),
            Skuld.Licensing.Rules.PlanRules.BuiltIn);

    private static string DescribeEffective(TenantSnapshot tenant, IEnumerable<AssignmentState> rows) =>
        string.Join(" | ", LicenseEngine.Effective(tenant, rows)
            .Select(e => $"{e.SkuId} -[{string.Join(",", e.DisabledPlans)}] +[{string.Join(",", e.EnabledPlans)}]"));
}
