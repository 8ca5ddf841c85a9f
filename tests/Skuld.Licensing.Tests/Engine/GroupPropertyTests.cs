using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using Skuld.Licensing.Catalogue;
using Skuld.Licensing.Engine;
using Skuld.Licensing.Rules;
using static Skuld.Licensing.Tests.Direct;

namespace Skuld.Licensing.Tests.Engine;

/// <summary>Invariants of group evaluation over random tenants, groups, members and batch splits (FsCheck, run inside facts).</summary>
public sealed class GroupPropertyTests
{
    private static readonly Guid[] skus =
    [
        Sku.E1, Sku.E3, Sku.ExchangePlan1, Sku.ExchangePlan2, Sku.AudioConferencing,
        Sku.PhoneSystem, Sku.CallingPlan1, Sku.PowerBiPro, Sku.EntraP1,
    ];

    private static readonly Guid?[] sources = [null, GroupA, GroupB, Members.GroupC];

    private static readonly HashSet<Guid> interestingPlans =
    [
        Plan.SharePointPlan1, Plan.SharePointPlan2, Plan.ExchangePlan1, Plan.ExchangePlan2,
        Plan.SkypeForBusiness, Plan.AudioConferencing, Plan.PhoneSystem, Plan.CallingPlan1,
    ];

    private static readonly Config config = Config.QuickThrowOnFailure.WithMaxTest(300);

    private static Gen<Guid[]> DisabledPlansOf(Guid skuId)
    {
        var plans = ProductCatalogue.BuiltIn.Find(skuId)!.Plans.Select(p => p.Id).Where(interestingPlans.Contains).ToArray();
        return Gen.Frequency((3, Gen.Constant(Array.Empty<Guid>())), (1, Gen.SubListOf(plans).Select(l => l.ToArray())));
    }

    private static readonly Gen<LicenseRequest> license =
        Gen.Elements(skus).SelectMany(DisabledPlansOf, (sku, disabled) => new LicenseRequest(sku, [.. disabled]));

    private static readonly Gen<GroupLicense[]> groups =
        Gen.CollectToArray(sources.Skip(1).Select(g => g!.Value), id =>
            Gen.Choose(1, 2).SelectMany(n => Gen.ArrayOf(license, n)).Select(l => new GroupLicense(id, [.. l])));

    private static readonly Gen<AssignmentState> row =
        from sku in Gen.Elements(skus)
        from source in Gen.Elements(sources)
        from disabled in DisabledPlansOf(sku)
        from state in Gen.Frequency(
            (4, Gen.Constant((LicenseState.Active, LicenseError.None))),
            (1, Gen.Constant((LicenseState.ActiveWithError, LicenseError.DependencyViolation))),
            (1, Gen.Constant((LicenseState.Error, LicenseError.CountViolation))))
        select new AssignmentState(sku, source, [.. disabled], state.Item1, state.Item2);

    private sealed record Person(string? Location, bool[] InGroup, AssignmentState[] Rows, int Minute, bool Clash);

    private static readonly Gen<Person> person =
        from location in Gen.Elements<string?>("US", "US", "BN", null)
        from inGroup in Gen.ArrayOf(Gen.Frequency((2, Gen.Constant(true)), (1, Gen.Constant(false))), 3)
        from rows in Gen.ListOf(row).Resize(4)
        from minute in Gen.Choose(0, 5)
        from clash in Gen.Frequency((5, Gen.Constant(false)), (1, Gen.Constant(true)))
        select new Person(location, inGroup, [.. rows.DistinctBy(r => (r.SkuId, r.AssignedByGroup))], minute, clash);

    private sealed record Scenario(string Country, GroupLicense[] Groups, Person[] People, int[] Outside, int[] Extra, int BatchSize);

    private static readonly Gen<Scenario> scenarios =
        from country in Gen.Elements("US", "BN")
        from groupSet in groups
        from people in Gen.ListOf(person).Resize(12)
        from outside in Gen.ArrayOf(Gen.Choose(0, 2), skus.Length)
        from extra in Gen.ArrayOf(Gen.Choose(0, 3), skus.Length)
        from batchSize in Gen.Choose(1, 5)
        select new Scenario(country, groupSet, [.. people], outside, extra, batchSize);

    private static TenantSnapshot TenantOf(Scenario s, IReadOnlyList<MemberInput> members, Func<Guid, int> consumedOutside) =>
        new(s.Country,
            skus.Select((sku, i) =>
            {
                var holders = members.Count(m => m.User.Assignments.Any(r => r.SkuId == sku && r.GrantsLicense));
                var consumed = holders + consumedOutside(sku);
                return new SkuStock(ProductCatalogue.BuiltIn.Find(sku)!, consumed + s.Extra[i], consumed);
            }).ToImmutableDictionary(st => st.Product.SkuId),
            PlanRules.BuiltIn);

    // The same units, with the seats the run left consumed.
    private static TenantSnapshot After(TenantSnapshot tenant, SeatLedger ledger) =>
        tenant with { Skus = tenant.Skus.ToImmutableDictionary(p => p.Key, p => p.Value with { ConsumedUnits = ledger.Consumed(p.Key) }) };

    private static MemberInput[] MembersOf(Scenario s) =>
    [
        .. s.People.Select((p, i) => new MemberInput(
            new UserSnapshot(Members.UserId(i + 1), p.Location, [.. p.Rows]),
            new DateTimeOffset(2026, 1, 1, 0, p.Minute, 0, TimeSpan.Zero),
            [.. s.Groups.Where((_, g) => p.InGroup[g])],
            p.Clash)),
    ];

    // A worker: members in queue order, cut into batches, each batch handed over in a scrambled order.
    private static (Dictionary<Guid, MemberOutcome> Outcomes, SeatLedger Ledger) Process(
        TenantSnapshot tenant, MemberInput[] members, int batchSize, int seed)
    {
        var ledger = SeatLedger.For(tenant);
        var random = new Random(seed);
        var outcomes = new Dictionary<Guid, MemberOutcome>();
        foreach (var batch in members.OrderBy(m => m.MemberSince).ThenBy(m => m.User.UserId).Chunk(batchSize))
        {
            var scrambled = batch.OrderBy(_ => random.Next()).ToArray();
            foreach (var outcome in LicenseEngine.EvaluateMembers(tenant, scrambled, ledger))
            {
                outcomes.Add(outcome.UserId, outcome);
            }
        }
        return (outcomes, ledger);
    }

    private static string Describe(MemberOutcome o) =>
        $"{o.UserId} {o.Changed} [{string.Join("; ", o.Assignments.Select(Direct.Describe))}] seats [{string.Join(",", o.SeatChanges.Select(c => $"{c.SkuId}:{c.Delta}"))}]";

    [Fact]
    public void Consumed_seats_never_exceed_enabled_units_and_equal_the_holders_across_random_batch_splits()
    {
        Prop.ForAll(scenarios.ToArbitrary(), s =>
        {
            var members = MembersOf(s);
            var tenant = TenantOf(s, members, sku => s.Outside[Array.IndexOf(skus, sku)]);

            var (outcomes, ledger) = Process(tenant, members, s.BatchSize, 1);

            foreach (var (sku, i) in skus.Select((sku, i) => (sku, i)))
            {
                var holders = outcomes.Values.Count(o => o.Assignments.Any(r => r.SkuId == sku && r.GrantsLicense));
                Assert.Equal(s.Outside[i] + holders, ledger.Consumed(sku));
                Assert.True(ledger.Consumed(sku) <= ledger.Enabled(sku), $"{sku}: {ledger.Consumed(sku)} > {ledger.Enabled(sku)}");
            }
            foreach (var member in members)
            {
                var outcome = outcomes[member.User.UserId];
                var before = member.User.Assignments.Where(r => r.GrantsLicense).Select(r => r.SkuId).ToHashSet();
                var after = outcome.Assignments.Where(r => r.GrantsLicense).Select(r => r.SkuId).ToHashSet();
                Assert.Equal(
                    after.Except(before).Select(k => (k, 1)).Concat(before.Except(after).Select(k => (k, -1))).Order(),
                    outcome.SeatChanges.Select(c => (c.SkuId, c.Delta)).Order());
                Assert.Equal(outcome.Assignments.Length, outcome.Assignments.DistinctBy(r => (r.SkuId, r.AssignedByGroup)).Count());
                Assert.All(outcome.Assignments.Where(r => r.IsDirect), r => Assert.Contains(r, member.User.Assignments));
            }
        }).Check(config);
    }

    [Fact]
    public void The_result_does_not_depend_on_batch_size_or_on_the_order_inside_a_batch()
    {
        Prop.ForAll(scenarios.ToArbitrary(), Gen.Choose(0, 1000).ToArbitrary(), (s, seed) =>
        {
            var members = MembersOf(s);
            var tenant = TenantOf(s, members, sku => s.Outside[Array.IndexOf(skus, sku)]);

            var (whole, wholeLedger) = Process(tenant, members, members.Length + 1, seed);
            var (split, splitLedger) = Process(tenant, members, s.BatchSize, seed + 1);

            Assert.Equal(whole.Values.Select(Describe).Order(), split.Values.Select(Describe).Order());
            Assert.Equal(wholeLedger.NetChanges, splitLedger.NetChanges);
            Assert.Equal(wholeLedger.NeedsAnotherPass, splitLedger.NeedsAnotherPass);
        }).Check(config);
    }

    [Fact]
    public void Evaluating_the_outcome_again_changes_nothing_once_no_extra_pass_is_asked_for()
    {
        Prop.ForAll(scenarios.ToArbitrary(), s =>
        {
            var members = MembersOf(s);
            var tenant = TenantOf(s, members, sku => s.Outside[Array.IndexOf(skus, sku)]);
            var (outcomes, ledger) = Process(tenant, members, s.BatchSize, 1);
            for (var pass = 0; pass < 4 && ledger.NeedsAnotherPass; pass++)
            {
                members = [.. members.Select(m => Members.Again(m, outcomes[m.User.UserId]))];
                tenant = After(tenant, ledger);
                (outcomes, ledger) = Process(tenant, members, s.BatchSize, 1);
            }
            Assert.False(ledger.NeedsAnotherPass);

            var fed = members.Select(m => Members.Again(m, outcomes[m.User.UserId])).ToArray();
            var (again, againLedger) = Process(After(tenant, ledger), fed, s.BatchSize, 2);

            Assert.All(again.Values, o => Assert.False(o.Changed, Describe(o) + " was " + Describe(outcomes[o.UserId])));
            Assert.Empty(againLedger.NetChanges);
            Assert.Equal(outcomes.Values.Select(o => string.Join("; ", o.Assignments.Select(Direct.Describe))).Order(),
                again.Values.Select(o => string.Join("; ", o.Assignments.Select(Direct.Describe))).Order());
        }).Check(config);
    }

    /// <summary>
    /// A batch evaluates each member shape once and replays it for the members of the same shape; in
    /// batches of one nothing is replayed. Both must give the same rows, seats and row instances.
    /// </summary>
    [Fact]
    public void Members_of_one_shape_in_a_batch_get_exactly_what_each_gets_in_a_batch_of_its_own()
    {
        Prop.ForAll(scenarios.ToArbitrary(), Gen.Choose(0, 1000).ToArbitrary(), (s, seed) =>
        {
            var members = Repeated(s, seed);
            var tenant = TenantOf(s, members, sku => s.Outside[Array.IndexOf(skus, sku)]);

            var (whole, wholeLedger) = Process(tenant, members, members.Length + 1, seed);
            var (alone, aloneLedger) = Process(tenant, members, 1, seed);

            foreach (var member in members)
            {
                var (a, b) = (whole[member.User.UserId], alone[member.User.UserId]);
                Assert.Equal(Describe(b), Describe(a));
                Assert.Equal(Identity(member, b), Identity(member, a));
            }
            Assert.Equal(aloneLedger.NetChanges, wholeLedger.NetChanges);
            Assert.Equal(aloneLedger.FreedAfterRefusal, wholeLedger.FreedAfterRefusal);
        }).Check(config);
    }

    // Each person several times (new user ids), with equal rows and groups as shared or as new instances.
    private static MemberInput[] Repeated(Scenario s, int seed) =>
    [
        .. MembersOf(s).SelectMany((m, p) => Enumerable.Range(0, 1 + (seed + p) % 4).Select(copy => m with
        {
            User = m.User with
            {
                UserId = Members.UserId(1000 + p * 10 + copy),
                Assignments = copy % 2 == 0 ? m.User.Assignments : [.. m.User.Assignments.Select(r => r with { })],
            },
            Groups = copy % 3 == 2 ? [.. m.Groups.Select(g => new GroupLicense(g.GroupId, [.. g.Licenses]))] : m.Groups,
        })),
    ];

    // Whether the rows given came back as the same array, and which returned rows are the instances given.
    private static string Identity(MemberInput member, MemberOutcome outcome) =>
        $"{outcome.Assignments == member.User.Assignments} " +
        string.Join(",", outcome.Assignments.Select(r => member.User.Assignments.IndexOf(r, 0, member.User.Assignments.Length, ReferenceEqualityComparer.Instance)));
}
