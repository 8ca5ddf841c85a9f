using System.Collections.Immutable;

namespace Skuld.Licensing.Engine.Internal;

/// <summary>
/// Evaluates members one after the other against one ledger: steps each member's rows to a fixed
/// point, then takes and frees the member's seats. One instance per batch; not thread-safe.
/// </summary>
internal sealed class MemberEvaluator(TenantIndex index, SeatLedger ledger)
{
    // Steps settle in two or three in practice (a group accepted in one step is an incumbent in the next).
    private const int MaxSteps = 8;

    private readonly MemberStep step = new(index, ledger);
    private readonly MemberContext context = new();
    private readonly Dictionary<GroupLicense, GroupIntent> intents = new(ReferenceEqualityComparer.Instance);
    private readonly List<AssignmentState> start = [];
    private readonly List<SeatChange> seatChanges = [];
    private List<AssignmentState> current = [];
    private List<AssignmentState> next = [];

    public MemberOutcome Evaluate(MemberInput member)
    {
        var user = member.User;
        var rows = user.Assignments.IsDefault ? [] : user.Assignments;
        start.Clear();
        start.AddRange(rows);
        var wasOrdered = IsOrdered(start);
        if (!wasOrdered)
        {
            start.Sort(AssignmentOrder.Instance);
        }
        Prepare(member);

        current.Clear();
        current.AddRange(start);
        for (var i = 0; i < MaxSteps; i++)
        {
            step.Run(context, current, next);
            (current, next) = (next, current);
            if (SameRows(current, next))
            {
                break;
            }
        }

        var seatChanges = CommitSeats();
        var changed = !SameRows(start, current);
        ImmutableArray<AssignmentState> assignments = changed || !wasOrdered ? [.. current] : rows;
        return new MemberOutcome(user.UserId, assignments, seatChanges, changed);
    }

    private void Prepare(MemberInput member)
    {
        var groups = context.Groups;
        groups.Clear();
        foreach (var group in member.Groups.IsDefault ? [] : member.Groups)
        {
            if (!intents.TryGetValue(group, out var intent))
            {
                intent = GroupIntent.Of(index, group);
                intents[group] = intent;
            }
            // The same group twice (a caller's mistake): the first one counts.
            if (context.Find(intent.GroupId) is null)
            {
                groups.Add(intent);
            }
        }
        groups.Sort((a, b) => a.GroupId.CompareTo(b.GroupId));

        context.Location = LocationOf(index, member.User);
        context.ProxyClash = member.ProxyClash;
        context.HeldAtStart.Clear();
        foreach (var row in start)
        {
            if (row.GrantsLicense)
            {
                context.HeldAtStart.Add(row.SkuId);
            }
        }
    }

    /// <summary>The location a member is checked in: the user's usage location, else the tenant's country; null when neither is valid.</summary>
    public static string? LocationOf(TenantIndex index, UserSnapshot user)
    {
        var tenantCountry = index.Tenant.CountryLetterCode;
        return Countries.IsValid(user.UsageLocation) ? user.UsageLocation
            : Countries.IsValid(tenantCountry) ? tenantCountry
            : null;
    }

    // Seats of SKUs the tenant does not have are counted nowhere, so no change is reported for them.
    private ImmutableArray<SeatChange> CommitSeats()
    {
        seatChanges.Clear();
        foreach (var skuId in context.HeldAtStart)
        {
            if (!Grants(current, skuId) && index.Find(skuId) is not null)
            {
                ledger.Release(skuId);
                seatChanges.Add(new SeatChange(skuId, -1));
            }
        }
        foreach (var row in current)
        {
            // Rows are ordered by SKU, so a SKU granted by several rows is taken once.
            if (row.GrantsLicense && !context.HeldAtStart.Contains(row.SkuId) && index.Find(row.SkuId) is not null
                && (seatChanges.Count == 0 || seatChanges[^1].SkuId != row.SkuId))
            {
                ledger.Take(row.SkuId);
                seatChanges.Add(new SeatChange(row.SkuId, +1));
            }
        }
        foreach (var row in current)
        {
            if (row.Error == LicenseError.CountViolation && !row.GrantsLicense && ledger.Available(row.SkuId) < 1)
            {
                ledger.NoteRefused(row.SkuId);
            }
        }
        if (seatChanges.Count == 0)
        {
            return [];
        }
        seatChanges.Sort((a, b) => a.SkuId.CompareTo(b.SkuId));
        return [.. seatChanges];
    }

    private static bool Grants(List<AssignmentState> rows, Guid skuId)
    {
        foreach (var row in rows)
        {
            if (row.SkuId == skuId && row.GrantsLicense)
            {
                return true;
            }
        }
        return false;
    }

    // Steps reuse the row instances that did not change, so equal rows are the same instances.
    private static bool SameRows(List<AssignmentState> a, List<AssignmentState> b)
    {
        if (a.Count != b.Count)
        {
            return false;
        }
        for (var i = 0; i < a.Count; i++)
        {
            if (!ReferenceEquals(a[i], b[i]))
            {
                return false;
            }
        }
        return true;
    }

    private static bool IsOrdered(List<AssignmentState> rows)
    {
        for (var i = 1; i < rows.Count; i++)
        {
            if (AssignmentOrder.Instance.Compare(rows[i - 1], rows[i]) > 0)
            {
                return false;
            }
        }
        return true;
    }
}
