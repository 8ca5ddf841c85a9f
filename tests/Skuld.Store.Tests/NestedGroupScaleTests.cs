using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Skuld.Store.Audit;
using Skuld.Store.Directory;
using Skuld.Store.Processing;
using Skuld.Testing;

namespace Skuld.Store.Tests;

/// <summary>
/// Off by default (it takes a while): <c>SKULD_NESTED_MEMBERS=100000 [SKULD_NESTED_STORE=sqlite|postgres] dotnet test tests/Skuld.Store.Tests --filter NestedGroupScaleTests --logger "console;verbosity=detailed"</c>.
/// Times a group job over N users with nested licensing on, with the users directly in the licensed group
/// (the flat query answers) and spread over ten subgroups (the recursive query answers), and the
/// re-evaluation of one user who joins a subgroup; checks every user ends Active.
/// </summary>
public sealed class NestedGroupScaleTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory, AllStores]
    public async Task Nested_group_jobs_stay_linear_enough_at_scale(StoreKind kind)
    {
        if (!int.TryParse(Environment.GetEnvironmentVariable("SKULD_NESTED_MEMBERS"), out var members))
        {
            Assert.Skip("Set SKULD_NESTED_MEMBERS to run the nested group-processing measurement.");
        }
        if (Environment.GetEnvironmentVariable("SKULD_NESTED_STORE") is { Length: > 0 } only && !only.Equals(kind.ToString(), StringComparison.OrdinalIgnoreCase))
        {
            Assert.Skip($"SKULD_NESTED_STORE={only}");
        }
        var seeding = Stopwatch.StartNew();
        var time = new FixedTime(Seed.Now);
        await using var store = await TestStore.CreateAsync(kind, Ct);
        Guid tenantId;
        var (flat, nested) = (Guid.NewGuid(), Guid.NewGuid());
        var subgroups = Enumerable.Range(0, 10).Select(_ => Guid.NewGuid()).ToList();
        await using (var db = store.NewDb())
        {
            tenantId = await Seed.TenantAsync(db, members * 2 + 1);
            await db.Tenants.Where(t => t.Id == tenantId).ExecuteUpdateAsync(s => s.SetProperty(t => t.NestedGroupLicensing, true), Ct);
            foreach (var id in (Guid[])[flat, nested, .. subgroups])
            {
                db.Groups.Add(new Group { TenantId = tenantId, Id = id, DisplayName = "G", MailNickname = "g", SecurityEnabled = true, CreatedDateTime = Seed.Now });
            }
            db.GroupMembers.AddRange(subgroups.Select((s, i) => new GroupMember { TenantId = tenantId, GroupId = nested, MemberId = s, MemberKind = MemberKind.Group, AddedDateTime = Seed.Now.AddSeconds(i) }));
            await db.SaveChangesAsync(Ct);
        }
        for (var start = 0; start < 2 * members; start += 10_000)
        {
            await using var db = store.NewDb();
            for (var i = start; i < Math.Min(start + 10_000, 2 * members); i++)
            {
                var id = Guid.NewGuid();
                db.Users.Add(new User { TenantId = tenantId, Id = id, UserPrincipalName = $"u{i}@contoso.com", DisplayName = $"U{i}", UsageLocation = "US", CreatedDateTime = Seed.Now });
                db.GroupMembers.Add(new GroupMember
                {
                    TenantId = tenantId,
                    GroupId = i < members ? flat : subgroups[i % 10],
                    MemberId = id,
                    MemberKind = MemberKind.User,
                    AddedDateTime = Seed.Now.AddSeconds(i % 7919),
                });
            }
            await db.SaveChangesAsync(Ct);
        }

        var seeded = seeding.Elapsed;
        async Task<TimeSpan> ProcessAsync(Guid groupId)
        {
            await using (var db = store.NewDb())
            {
                db.GroupLicenses.Add(new Licensing.GroupLicense { TenantId = tenantId, GroupId = groupId, SkuId = Seed.SkuId, AssignedDateTime = Seed.Now });
                LicenseWork.EnqueueGroup(db, tenantId, groupId, Actor.Operator, Guid.NewGuid(), Seed.Now);
                await db.SaveChangesAsync(Ct);
            }
            var clock = Stopwatch.StartNew();
            await LicenseProcessing.RunUntilIdleAsync(store.NewDb, "scale", LicenseProcessing.DefaultBatchSize, time, Ct);
            return clock.Elapsed;
        }

        var flatTime = await ProcessAsync(flat);
        var nestedTime = await ProcessAsync(nested);
        var joiner = Guid.NewGuid();
        await using (var db = store.NewDb())
        {
            db.Users.Add(new User { TenantId = tenantId, Id = joiner, UserPrincipalName = "joiner@contoso.com", DisplayName = "Joiner", UsageLocation = "US", CreatedDateTime = Seed.Now });
            db.GroupMembers.Add(new GroupMember { TenantId = tenantId, GroupId = subgroups[3], MemberId = joiner, MemberKind = MemberKind.User, AddedDateTime = Seed.Now });
            LicenseWork.EnqueueUsers(db, tenantId, [joiner], Actor.Operator, Guid.NewGuid(), Seed.Now);
            await db.SaveChangesAsync(Ct);
        }
        var join = Stopwatch.StartNew();
        await LicenseProcessing.RunUntilIdleAsync(store.NewDb, "scale", LicenseProcessing.DefaultBatchSize, time, Ct);
        var joinTime = join.Elapsed;

        var report = $"{kind}, {members} users per group (seeded in {seeded.TotalSeconds:F1} s): flat group (nested on) {flatTime.TotalSeconds:F2} s, " +
            $"users under 10 subgroups {nestedTime.TotalSeconds:F2} s, one user joining a subgroup {joinTime.TotalMilliseconds:F0} ms";
        TestContext.Current.TestOutputHelper?.WriteLine(report);
        await using (var db = store.NewDb())
        {
            Assert.Equal(2 * members + 1, await db.LicenseAssignments.CountAsync(a => a.TenantId == tenantId && a.State == Skuld.Licensing.Engine.LicenseState.Active, Ct));
        }
    }
}
