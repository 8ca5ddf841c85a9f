using System.Collections.Immutable;
using System.Diagnostics;
using Skuld.Licensing.Engine;
using static Skuld.Licensing.Tests.Direct;

namespace Skuld.Licensing.Tests.Engine;

/// <summary>
/// A measurement, not a check of speed: evaluates a large group in batches of 5,000 and prints the
/// throughput and the bytes allocated per member. Only the outcome is asserted.
/// </summary>
public sealed class GroupThroughputTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(100_000, false)]
    [InlineData(100_000, true)]
    public void A_large_group_in_batches_of_5000(int size, bool alreadyProcessed)
    {
        var tenant = new TenantBuilder().Stock(Sku.E3, size - 1000).Stock(Sku.PowerBiPro, size).Stock(Sku.EntraP1, size).Build();
        GroupLicense[] groups =
        [
            Members.Group(GroupA, Add(Sku.E3, Plan.SkypeForBusiness)),
            Members.Group(GroupB, Add(Sku.PowerBiPro), Add(Sku.EntraP1)),
        ];
        var members = Enumerable.Range(1, size).Select(n => Members.Member(n, groups)).ToArray();
        if (alreadyProcessed)
        {
            var first = new List<MemberOutcome>(size);
            var setup = SeatLedger.For(tenant);
            foreach (var batch in members.Chunk(5000))
            {
                first.AddRange(LicenseEngine.EvaluateMembers(tenant, batch, setup));
            }
            members = [.. members.Select((m, i) => Members.Again(m, first[i]))];
            tenant = tenant with { Skus = tenant.Skus.ToImmutableDictionary(p => p.Key, p => p.Value with { ConsumedUnits = setup.Consumed(p.Key) }) };
        }
        var ledger = SeatLedger.For(tenant);
        var changed = 0;

        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        foreach (var batch in members.Chunk(5000))
        {
            changed += LicenseEngine.EvaluateMembers(tenant, batch, ledger).Count(o => o.Changed);
        }
        clock.Stop();
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;

        output.WriteLine($"{size:N0} members ({(alreadyProcessed ? "reprocessing" : "first time")}): {clock.ElapsedMilliseconds:N0} ms, " +
            $"{size / clock.Elapsed.TotalSeconds:N0} members/s, {allocated / size:N0} bytes allocated per member, {changed:N0} changed");
        Assert.Equal(alreadyProcessed ? 0 : size, changed);
        Assert.Equal(size - 1000, ledger.Consumed(Sku.E3));
    }

    /// <summary>
    /// The worker's common cases, one licensed group with three products: first assignment (enough
    /// seats, or a shortage so later members get CountViolation) and reprocessing with nothing changed.
    /// </summary>
    [Theory]
    [InlineData(200_000, false, false)]
    [InlineData(200_000, true, false)]
    [InlineData(200_000, false, true)]
    [InlineData(200_000, true, true)]
    public void One_group_of_three_products_in_batches_of_5000(int size, bool alreadyProcessed, bool shortage)
    {
        var e3Units = shortage ? size / 2 : size;
        var tenant = new TenantBuilder().Stock(Sku.E3, e3Units).Stock(Sku.PowerBiPro, size).Stock(Sku.EntraP1, size).Build();
        var group = Members.Group(GroupA, Add(Sku.E3, Plan.SkypeForBusiness), Add(Sku.PowerBiPro), Add(Sku.EntraP1));
        // Members of one group share one array of groups, as a worker passes them.
        ImmutableArray<GroupLicense> groups = [group];
        var epoch = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var members = Enumerable.Range(1, size)
            .Select(n => new MemberInput(new UserSnapshot(Members.UserId(n), "US", []), epoch.AddSeconds(n), groups))
            .ToArray();
        if (alreadyProcessed)
        {
            var first = new List<MemberOutcome>(size);
            var setup = SeatLedger.For(tenant);
            foreach (var batch in members.Chunk(5000))
            {
                first.AddRange(LicenseEngine.EvaluateMembers(tenant, batch, setup));
            }
            // Rows as read back from a database: equal values, new instances.
            members = [.. members.Select((m, i) => m with { User = m.User with { Assignments = [.. first[i].Assignments.Select(r => r with { })] } })];
            tenant = tenant with { Skus = tenant.Skus.ToImmutableDictionary(p => p.Key, p => p.Value with { ConsumedUnits = setup.Consumed(p.Key) }) };
        }
        var ledger = SeatLedger.For(tenant);
        var changed = 0;
        var refused = 0;

        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        foreach (var batch in members.Chunk(5000))
        {
            foreach (var outcome in LicenseEngine.EvaluateMembers(tenant, batch, ledger))
            {
                changed += outcome.Changed ? 1 : 0;
                refused += outcome.Assignments.Length > 0 && outcome.Assignments[0].State == LicenseState.Error ? 1 : 0;
            }
        }
        clock.Stop();
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;

        output.WriteLine($"{size:N0} members ({(alreadyProcessed ? "reprocessing" : "first time")}{(shortage ? ", seat shortage" : "")}): " +
            $"{clock.ElapsedMilliseconds:N0} ms, {size / clock.Elapsed.TotalSeconds:N0} members/s, {allocated / size:N0} bytes allocated per member, {changed:N0} changed");
        Assert.Equal(alreadyProcessed ? 0 : size, changed);
        Assert.Equal(shortage ? size - e3Units : 0, refused);
        Assert.Equal(e3Units, ledger.Consumed(Sku.E3));
    }
}
