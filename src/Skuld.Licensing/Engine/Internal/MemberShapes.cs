using System.Collections.Immutable;

namespace Skuld.Licensing.Engine.Internal;

/// <summary>
/// Evaluates a batch's members once per shape: members with equal groups, usage location, proxy clash,
/// current rows and free seats (whether each of the groups' SKUs has one) get equal rows and seat changes,
/// so the first of them is evaluated and the others replay its outcome.
/// </summary>
/// <remarks>
/// A group of a million members comes in a handful of shapes (first assignment, nothing changed, seats
/// ran out), so a member costs a lookup, its seats and its outcome record instead of an evaluation.
/// Evaluation stays the one place that decides: a shape is only ever a recorded evaluation. One instance
/// per batch; not thread-safe.
/// </remarks>
internal sealed class MemberShapes(TenantIndex index, SeatLedger ledger)
{
    // Plenty for the shapes of one batch; past it members are just evaluated.
    private const int MaxShapes = 1024;

    // One bit of the free-seat mask per SKU.
    private const int MaxSkus = 64;

    private readonly MemberEvaluator evaluator = new(index, ledger);
    private readonly Dictionary<GroupsKey, GroupSet?> groupSets = [];
    private GroupSet? last;
    private int shapes;

    public MemberOutcome Evaluate(MemberInput member)
    {
        var set = SetOf(member.Groups);
        if (set is null)
        {
            return evaluator.Evaluate(member);
        }
        var user = member.User;
        var rows = user.Assignments.IsDefault ? [] : user.Assignments;
        var key = new ShapeKey(MemberEvaluator.LocationOf(index, user), member.ProxyClash, set.FreeSeats(ledger), rows);
        if (set.Shapes.TryGetValue(key, out var shape))
        {
            return shape.Replay(user.UserId, rows, ledger);
        }
        var outcome = evaluator.Evaluate(member);
        if (shapes < MaxShapes)
        {
            set.Shapes.Add(key, MemberShape.Of(outcome, rows));
            shapes++;
        }
        return outcome;
    }

    private GroupSet? SetOf(ImmutableArray<GroupLicense> groups)
    {
        var key = new GroupsKey(groups);
        if (last is not null && last.Key.Equals(key))
        {
            return last;
        }
        if (!groupSets.TryGetValue(key, out var set))
        {
            set = GroupSet.Of(key);
            groupSets.Add(key, set);
        }
        last = set ?? last;
        return set;
    }

    private sealed class GroupSet(GroupsKey key, Guid[] skus)
    {
        public GroupsKey Key { get; } = key;

        public Dictionary<ShapeKey, MemberShape> Shapes { get; } = [];

        // Null when the groups name too many SKUs for the mask: such members are just evaluated.
        public static GroupSet? Of(GroupsKey key)
        {
            var skus = new List<Guid>();
            foreach (var group in key.Groups)
            {
                foreach (var license in group.Licenses.IsDefault ? [] : group.Licenses)
                {
                    if (!skus.Contains(license.SkuId))
                    {
                        skus.Add(license.SkuId);
                    }
                }
            }
            return skus.Count <= MaxSkus ? new GroupSet(key, [.. skus]) : null;
        }

        // Evaluation asks only whether a SKU has a free seat (MemberStep.CheckSeats), never how many.
        public ulong FreeSeats(SeatLedger ledger)
        {
            var mask = 0UL;
            for (var i = 0; i < skus.Length; i++)
            {
                if (ledger.Available(skus[i]) > 0)
                {
                    mask |= 1UL << i;
                }
            }
            return mask;
        }
    }
}
