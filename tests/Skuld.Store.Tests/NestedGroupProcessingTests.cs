using Microsoft.EntityFrameworkCore;
using Skuld.Licensing.Engine;
using Skuld.Store.Audit;
using Skuld.Store.Directory;
using Skuld.Store.Licensing;
using Skuld.Store.Processing;
using Skuld.Testing;

namespace Skuld.Store.Tests;

/// <summary>
/// Nested group licensing in the worker, with small batches so the keyset cursor over nested membership
/// order is crossed: who inherits, through which licensed group, in which seat order, and that cycles end.
/// </summary>
public sealed class NestedGroupProcessingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly TimeProvider Time = new FixedTime(Seed.Now);

    /// <summary>A small directory built by hand: groups by name, users by name, memberships at given seconds after <see cref="Seed.Now"/>.</summary>
    private sealed class World(TestStore store, Guid tenantId)
    {
        public TestStore Store { get; } = store;
        public Guid TenantId { get; } = tenantId;
        public Dictionary<string, Guid> Ids { get; } = [];

        public static async Task<World> CreateAsync(StoreKind kind, int units, bool nested)
        {
            var store = await TestStore.CreateAsync(kind, Ct);
            await using var db = store.NewDb();
            var tenantId = await Seed.TenantAsync(db, units);
            await db.Tenants.Where(t => t.Id == tenantId).ExecuteUpdateAsync(s => s.SetProperty(t => t.NestedGroupLicensing, nested), Ct);
            return new World(store, tenantId);
        }

        public async Task GroupsAsync(params string[] names)
        {
            await using var db = Store.NewDb();
            foreach (var name in names)
            {
                Ids[name] = Guid.NewGuid();
                db.Groups.Add(new Group { TenantId = TenantId, Id = Ids[name], DisplayName = name, MailNickname = name, SecurityEnabled = true, CreatedDateTime = Seed.Now });
            }
            await db.SaveChangesAsync(Ct);
        }

        public async Task UsersAsync(params string[] names)
        {
            await using var db = Store.NewDb();
            foreach (var name in names)
            {
                Ids[name] = await Seed.UserAsync(db, TenantId, $"{name}@contoso.com");
            }
        }

        /// <summary>Memberships "group > member @ second"; the member's kind is found from its name.</summary>
        public async Task MembersAsync(params (string Group, string Member, int Second)[] memberships)
        {
            await using var db = Store.NewDb();
            var groups = await db.Groups.Where(g => g.TenantId == TenantId).Select(g => g.Id).ToListAsync(Ct);
            foreach (var (group, member, second) in memberships)
            {
                db.GroupMembers.Add(new GroupMember
                {
                    TenantId = TenantId,
                    GroupId = Ids[group],
                    MemberId = Ids[member],
                    MemberKind = groups.Contains(Ids[member]) ? MemberKind.Group : MemberKind.User,
                    AddedDateTime = Seed.Now.AddSeconds(second),
                });
            }
            await db.SaveChangesAsync(Ct);
        }

        public async Task LicenseAsync(string group, params Guid[] disabledPlans)
        {
            await using var db = Store.NewDb();
            db.GroupLicenses.Add(new Licensing.GroupLicense { TenantId = TenantId, GroupId = Ids[group], SkuId = Seed.SkuId, DisabledPlans = [.. disabledPlans], AssignedDateTime = Seed.Now });
            LicenseWork.EnqueueGroup(db, TenantId, Ids[group], Actor.Operator, Guid.NewGuid(), Seed.Now);
            await db.SaveChangesAsync(Ct);
        }

        public async Task ReprocessAsync(string group)
        {
            await using var db = Store.NewDb();
            LicenseWork.EnqueueGroup(db, TenantId, Ids[group], Actor.Operator, Guid.NewGuid(), Seed.Now);
            await db.SaveChangesAsync(Ct);
        }

        public async Task EnqueueUsersAsync(params string[] users)
        {
            await using var db = Store.NewDb();
            LicenseWork.EnqueueUsers(db, TenantId, [.. users.Select(u => Ids[u])], Actor.Operator, Guid.NewGuid(), Seed.Now);
            await db.SaveChangesAsync(Ct);
        }

        public Task<int> RunAsync(int batchSize = 2) => LicenseProcessing.RunUntilIdleAsync(Store.NewDb, "test", batchSize, Time, Ct);

        /// <summary>Each user's rows as (source group name, state, error), by user name.</summary>
        public async Task<Dictionary<string, List<(string Source, LicenseState State, LicenseError Error)>>> RowsAsync()
        {
            await using var db = Store.NewDb();
            var rows = await db.LicenseAssignments.AsNoTracking().Where(a => a.TenantId == TenantId).ToListAsync(Ct);
            var names = Ids.ToDictionary(p => p.Value, p => p.Key);
            return rows.GroupBy(r => names[r.UserId]).ToDictionary(
                g => g.Key, g => g.Select(r => (names[r.SourceId], r.State, r.Error)).Order().ToList());
        }

        public async Task<int> ConsumedAsync()
        {
            await using var db = Store.NewDb();
            return await db.TenantSkus.Where(s => s.TenantId == TenantId).Select(s => s.ConsumedUnits).SingleAsync(Ct);
        }
    }

    private static readonly (LicenseState, LicenseError) Active = (LicenseState.Active, LicenseError.None);

    [Theory, AllStores]
    public async Task Without_the_setting_members_of_a_subgroup_inherit_nothing(StoreKind kind)
    {
        var world = await World.CreateAsync(kind, units: 10, nested: false);
        await using var _ = world.Store;
        await world.GroupsAsync("G", "S");
        await world.UsersAsync("direct", "below");
        await world.MembersAsync(("G", "direct", 1), ("G", "S", 2), ("S", "below", 3));
        await world.LicenseAsync("G");
        await world.EnqueueUsersAsync("below");

        await world.RunAsync();

        var rows = await world.RowsAsync();
        Assert.Equal(["direct"], rows.Keys);
        Assert.Equal([("G", LicenseState.Active, LicenseError.None)], rows["direct"]);
        Assert.Equal(1, await world.ConsumedAsync());
    }

    [Theory, AllStores]
    public async Task With_the_setting_users_two_levels_down_inherit_from_the_licensed_group_once_however_many_paths(StoreKind kind)
    {
        var world = await World.CreateAsync(kind, units: 10, nested: true);
        await using var _ = world.Store;
        await world.GroupsAsync("G", "S1", "S2");
        await world.UsersAsync("direct", "deep", "twice", "outside");
        // twice is in G directly and through S1 > S2; deep only through G > S1 > S2.
        await world.MembersAsync(("G", "direct", 1), ("G", "S1", 2), ("S1", "S2", 3), ("S2", "deep", 4), ("S2", "twice", 5), ("G", "twice", 6));
        await world.UsersAsync("late");
        await world.LicenseAsync("G");

        await world.RunAsync();

        var rows = await world.RowsAsync();
        Assert.Equal(["deep", "direct", "twice"], rows.Keys.Order());
        Assert.All(rows.Values, r => Assert.Equal([("G", LicenseState.Active, LicenseError.None)], r));
        Assert.Equal(3, await world.ConsumedAsync());

        // A user joining the bottom group later is evaluated alone and inherits from G, not from S2.
        await world.MembersAsync(("S2", "late", 7));
        await world.EnqueueUsersAsync("late");
        await world.RunAsync();
        Assert.Equal([("G", LicenseState.Active, LicenseError.None)], (await world.RowsAsync())["late"]);
        Assert.Equal(4, await world.ConsumedAsync());
    }

    [Theory, AllStores]
    public async Task A_cycle_of_groups_is_processed_once_per_user_and_ends(StoreKind kind)
    {
        var world = await World.CreateAsync(kind, units: 10, nested: true);
        await using var _ = world.Store;
        await world.GroupsAsync("A", "B", "C");
        await world.UsersAsync("a", "b", "c");
        // A > B > C > A, users in each; only A is licensed.
        await world.MembersAsync(("A", "B", 1), ("B", "C", 2), ("C", "A", 3), ("A", "a", 4), ("B", "b", 5), ("C", "c", 6));
        await world.LicenseAsync("A");
        await world.EnqueueUsersAsync("a", "b", "c");

        await world.RunAsync(batchSize: 1);

        var rows = await world.RowsAsync();
        Assert.Equal(["a", "b", "c"], rows.Keys.Order());
        Assert.All(rows.Values, r => Assert.Equal([("A", LicenseState.Active, LicenseError.None)], r));
        Assert.Equal(3, await world.ConsumedAsync());
    }

    [Theory, AllStores]
    public async Task Seats_go_in_the_order_users_joined_the_licensed_group_through_their_earliest_path(StoreKind kind)
    {
        var world = await World.CreateAsync(kind, units: 3, nested: true);
        await using var _ = world.Store;
        await world.GroupsAsync("G", "S", "T");
        await world.UsersAsync("d10", "old", "t25", "d30", "s40", "both");
        // old has been in S since second 0, but S joined G at 20: old is G's member since 20.
        // T joined S at 25 (its member since 1): since 25. both is in S at 40 but directly in G since 5.
        await world.MembersAsync(
            ("G", "d10", 10), ("S", "old", 0), ("G", "S", 20), ("T", "t25", 1), ("S", "T", 25),
            ("G", "d30", 30), ("S", "s40", 40), ("S", "both", 40), ("G", "both", 5));
        await world.LicenseAsync("G");

        // Batches of two cross the keyset cursor between every pair.
        await world.RunAsync(batchSize: 2);

        var rows = await world.RowsAsync();
        // Queue: both (5), d10 (10), old (20), t25 (25), d30 (30), s40 (40); three seats.
        Assert.Equal(Active, (rows["both"][0].State, rows["both"][0].Error));
        Assert.Equal(Active, (rows["d10"][0].State, rows["d10"][0].Error));
        Assert.Equal(Active, (rows["old"][0].State, rows["old"][0].Error));
        foreach (var late in (string[])["t25", "d30", "s40"])
        {
            Assert.Equal([("G", LicenseState.Error, LicenseError.CountViolation)], rows[late]);
        }
        Assert.Equal(3, await world.ConsumedAsync());

        // Reprocessing gives the same answer (deterministic order).
        await world.ReprocessAsync("G");
        await world.RunAsync(batchSize: 4);
        Assert.Equal(rows.Select(r => (r.Key, r.Value.Single())).Order(), (await world.RowsAsync()).Select(r => (r.Key, r.Value.Single())).Order());
    }

    [Theory, AllStores]
    public async Task A_user_below_two_licensed_groups_holds_one_row_from_each_and_one_seat(StoreKind kind)
    {
        var world = await World.CreateAsync(kind, units: 10, nested: true);
        await using var _ = world.Store;
        await world.GroupsAsync("G1", "G2", "S");
        await world.UsersAsync("u");
        await world.MembersAsync(("G1", "S", 1), ("G2", "S", 2), ("S", "u", 3));
        await world.LicenseAsync("G1", Seed.ExtraPlanId);
        await world.LicenseAsync("G2");

        await world.RunAsync();

        Assert.Equal([("G1", LicenseState.Active, LicenseError.None), ("G2", LicenseState.Active, LicenseError.None)], (await world.RowsAsync())["u"]);
        Assert.Equal(1, await world.ConsumedAsync());
    }

    [Theory, AllStores]
    public async Task Turning_the_setting_on_then_off_gives_then_takes_the_inherited_licenses_and_audits_each_change(StoreKind kind)
    {
        var world = await World.CreateAsync(kind, units: 10, nested: false);
        await using var _ = world.Store;
        await world.GroupsAsync("G", "S");
        await world.UsersAsync("direct", "below");
        await world.MembersAsync(("G", "direct", 1), ("G", "S", 2), ("S", "below", 3));
        await world.LicenseAsync("G");
        await world.RunAsync();
        Assert.Equal(["direct"], (await world.RowsAsync()).Keys);

        await using (var db = world.Store.NewDb())
        {
            Assert.Equal(new NestedGroupLicensingSetting(true, Changed: true),
                await NestedGroupLicensing.SetAsync(db, world.TenantId, true, Actor.Operator, Time, Ct));
            Assert.Equal(LicenseWorkKind.Tenant, (await db.LicenseWorkItems.SingleAsync(Ct)).Kind);
        }
        await world.RunAsync();
        Assert.Equal(["below", "direct"], (await world.RowsAsync()).Keys.Order());
        Assert.Equal([("G", LicenseState.Active, LicenseError.None)], (await world.RowsAsync())["below"]);
        Assert.Equal(2, await world.ConsumedAsync());

        await using (var db = world.Store.NewDb())
        {
            // Setting the current value again changes, audits and queues nothing.
            Assert.Equal(new NestedGroupLicensingSetting(true, Changed: false),
                await NestedGroupLicensing.SetAsync(db, world.TenantId, true, Actor.Operator, Time, Ct));
            Assert.Empty(await db.LicenseWorkItems.ToListAsync(Ct));
            Assert.Equal(new NestedGroupLicensingSetting(false, Changed: true),
                await NestedGroupLicensing.SetAsync(db, world.TenantId, false, Actor.Operator, Time, Ct));
        }
        await world.RunAsync();
        Assert.Equal(["direct"], (await world.RowsAsync()).Keys);
        Assert.Equal(1, await world.ConsumedAsync());

        await using (var db = world.Store.NewDb())
        {
            var changes = await db.AuditEvents.AsNoTracking()
                .Where(e => e.TenantId == world.TenantId && e.ActivityDisplayName == NestedGroupLicensing.Activity)
                .ToListAsync(Ct);
            // Both changes carry the same clock time here, so they are told apart by their values.
            Assert.Equal(2, changes.Count);
            Assert.Single(changes, e => e.TargetResources.Contains("\"oldValue\":\"false\",\"newValue\":\"true\"", StringComparison.Ordinal));
            Assert.Single(changes, e => e.TargetResources.Contains("\"oldValue\":\"true\",\"newValue\":\"false\"", StringComparison.Ordinal));
            Assert.All(changes, e => Assert.Equal(Actor.Operator.AppId, e.InitiatedByAppId));
        }
    }
}
