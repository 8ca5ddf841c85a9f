using System.Collections.Immutable;

namespace Skuld.Licensing.Engine.Internal;

/// <summary>What one member brings to a step besides their rows.</summary>
internal sealed class MemberContext
{
    /// <summary>The member's licensed groups, one per id, by id.</summary>
    public List<GroupIntent> Groups { get; } = [];

    /// <summary>The user's usage location, else the tenant's country; null when neither is valid.</summary>
    public string? Location { get; set; }

    public bool ProxyClash { get; set; }

    /// <summary>SKUs the user held before this evaluation: their seats are the user's already.</summary>
    public HashSet<Guid> HeldAtStart { get; } = [];

    public GroupIntent? Find(Guid groupId)
    {
        foreach (var group in Groups)
        {
            if (group.GroupId == groupId)
            {
                return group;
            }
        }
        return null;
    }

    public bool Intends(AssignmentState row) =>
        row.AssignedByGroup is { } groupId && Find(groupId) is { } group && group.Intends(row.SkuId);
}

/// <summary>
/// One evaluation step of one member: from the current rows to the next rows. The evaluator repeats
/// it until the rows stop changing. Buffers are reused from member to member (allocation-light).
/// </summary>
/// <remarks>
/// Base: direct rows (kept as they are) and the granting rows of groups that still assign that SKU
/// ("incumbent" rows: they keep granting whatever happens to the group's change, so a failed change never
/// takes a license away). Then each group, groups already granting first, then new ones, each by id,
/// is checked as a whole against the base and the groups accepted before it — rule by rule, first
/// failure wins: product valid (Other), location, proxy clash, exclusion, dependency, seats.
/// Last, rows of groups the user no longer gets the SKU from are dropped, unless that would take away the
/// only prerequisite of a plan that stays enabled (Entra refuses that removal: DependencyViolation).
/// </remarks>
internal sealed class MemberStep(TenantIndex index, SeatLedger ledger)
{
    private readonly int[] count = new int[index.PlanCount];
    private readonly int[] newMark = new int[index.PlanCount];
    private readonly int[] oldMark = new int[index.PlanCount];
    private readonly List<int> touched = [];
    private readonly List<int> planBuffer = [];
    private readonly List<(int Start, int Length)> rowPlans = [];
    private readonly HashSet<Guid> heldNow = [];
    private readonly HashSet<Guid> reserved = [];
    private readonly List<Guid> needs = [];
    private readonly List<int> oldRows = [];
    private readonly List<int> departed = [];
    private readonly List<GroupIntent> order = [];

    public void Run(MemberContext member, List<AssignmentState> current, List<AssignmentState> next)
    {
        next.Clear();
        Reset();
        for (var i = 0; i < current.Count; i++)
        {
            var row = current[i];
            rowPlans.Add(EnabledPlans(row));
            if (row.GrantsLicense)
            {
                heldNow.Add(row.SkuId);
                if (row.IsDirect || member.Intends(row))
                {
                    AddRow(i, +1);
                }
                else
                {
                    departed.Add(i);
                }
            }
            if (row.IsDirect)
            {
                next.Add(row);
            }
        }

        order.AddRange(member.Groups.Where(g => IsIncumbent(g, current)));
        order.AddRange(member.Groups.Where(g => !IsIncumbent(g, current)));
        foreach (var group in order)
        {
            EvaluateGroup(member, group, current, next);
        }
        KeepNeededDeparted(current, next);
        next.Sort(AssignmentOrder.Instance);
    }

    private void EvaluateGroup(MemberContext member, GroupIntent group, List<AssignmentState> current, List<AssignmentState> next)
    {
        var (error, at) = CheckProducts(member, group);
        oldRows.Clear();
        for (var i = 0; i < current.Count; i++)
        {
            var row = current[i];
            if (row.AssignedByGroup == group.GroupId && row.GrantsLicense && group.Intends(row.SkuId))
            {
                oldRows.Add(i);
                AddRow(i, -1);
                MarkRow(oldMark, i);
            }
        }

        needs.Clear();
        var added = error == LicenseError.None;
        if (added)
        {
            foreach (var license in group.Licenses)
            {
                foreach (var plan in license.Enabled)
                {
                    Add(plan, +1);
                    Mark(newMark, plan);
                }
            }
            (error, at) = CheckExclusion(group);
            if (error == LicenseError.None)
            {
                (error, at) = CheckDependencies(group, current);
            }
            if (error == LicenseError.None)
            {
                error = CheckSeats(member, group);
            }
        }

        if (error == LicenseError.None)
        {
            reserved.UnionWith(needs);
        }
        else
        {
            if (added)
            {
                foreach (var plan in group.Licenses.SelectMany(l => l.Enabled))
                {
                    Add(plan, -1);
                }
            }
            foreach (var i in oldRows)
            {
                AddRow(i, +1);
            }
        }
        ClearMarks();
        Emit(group, error, at, current, next);
    }

    // The rules that depend on the product and the user alone.
    private (LicenseError, int) CheckProducts(MemberContext member, GroupIntent group)
    {
        var licenses = group.Licenses;
        for (var k = 0; k < licenses.Length; k++)
        {
            if (!licenses[k].Valid)
            {
                return (LicenseError.Other, k);
            }
        }
        for (var k = 0; k < licenses.Length; k++)
        {
            // Without any valid location (user's or tenant's) no plan can be checked, so none is allowed.
            if (member.Location is not { } location || licenses[k].Enabled.Any(p => index.IsProhibited(p, location)))
            {
                return (LicenseError.ProhibitedInUsageLocationViolation, k);
            }
        }
        for (var k = 0; k < licenses.Length && member.ProxyClash; k++)
        {
            if (licenses[k].HasMailbox)
            {
                return (LicenseError.UniquenessViolation, k);
            }
        }
        return (LicenseError.None, -1);
    }

    // A plan of the group may not be enabled with a plan of another kind the user has (any source) or gets from the group.
    private (LicenseError, int) CheckExclusion(GroupIntent group)
    {
        for (var k = 0; k < group.Licenses.Length; k++)
        {
            foreach (var plan in group.Licenses[k].Enabled)
            {
                foreach (var peer in index.Peers[plan])
                {
                    if (count[peer] > 0)
                    {
                        return (LicenseError.MutuallyExclusiveViolation, k);
                    }
                }
            }
        }
        return (LicenseError.None, -1);
    }

    /// <summary>
    /// The group's change may not create a dependency violation: a plan it enables must find a
    /// prerequisite among the user's other plans or its own (not among rows of groups the user left), and
    /// a plan it stops enabling may not be the last prerequisite of a plan that stays. A violation the user
    /// already had is left alone.
    /// </summary>
    private (LicenseError, int) CheckDependencies(GroupIntent group, List<AssignmentState> current)
    {
        for (var k = 0; k < group.Licenses.Length; k++)
        {
            foreach (var plan in group.Licenses[k].Enabled)
            {
                if (Lacking(plan) && !(Before(plan) > 0 && LackingBefore(plan)))
                {
                    return (LicenseError.DependencyViolation, k);
                }
            }
        }
        foreach (var i in oldRows)
        {
            foreach (var plan in PlansOf(i))
            {
                if (count[plan] > 0)
                {
                    continue;
                }
                foreach (var dependent in index.Dependents[plan])
                {
                    if (count[dependent] > 0 && Lacking(dependent) && !LackingBefore(dependent))
                    {
                        return (LicenseError.DependencyViolation, group.IndexOf(current[i].SkuId));
                    }
                }
            }
        }
        return (LicenseError.None, -1);
    }

    // A SKU the user holds from no source needs a free seat; a seat the user had when evaluation began is theirs.
    private LicenseError CheckSeats(MemberContext member, GroupIntent group)
    {
        var short_ = false;
        foreach (var license in group.Licenses)
        {
            if (!heldNow.Contains(license.SkuId) && !reserved.Contains(license.SkuId))
            {
                needs.Add(license.SkuId);
                short_ |= !member.HeldAtStart.Contains(license.SkuId) && ledger.Available(license.SkuId) < 1;
            }
        }
        return short_ ? LicenseError.CountViolation : LicenseError.None;
    }

    /// <summary>
    /// The group's rows: all Active, or the failing product with its error and the others with Other.
    /// A seat shortage marks every product that needed a new seat CountViolation (the group's seats are
    /// taken together or not at all), so the rows do not depend on which SKU ran out first.
    /// A row that already granted keeps granting as it was (ActiveWithError): a failed change takes nothing away.
    /// </summary>
    private void Emit(GroupIntent group, LicenseError error, int at, List<AssignmentState> current, List<AssignmentState> next)
    {
        for (var k = 0; k < group.Licenses.Length; k++)
        {
            var license = group.Licenses[k];
            var existing = current.FindIndex(r => r.SkuId == license.SkuId && r.AssignedByGroup == group.GroupId);
            if (error == LicenseError.None)
            {
                next.Add(Row(current, existing, license.SkuId, group.GroupId, license.DisabledPlans, LicenseState.Active, LicenseError.None));
                continue;
            }
            var rowError = error == LicenseError.CountViolation
                ? (needs.Contains(license.SkuId) ? LicenseError.CountViolation : LicenseError.Other)
                : (k == at ? error : LicenseError.Other);
            next.Add(existing >= 0 && current[existing].GrantsLicense
                ? Row(current, existing, license.SkuId, group.GroupId, current[existing].DisabledPlans, LicenseState.ActiveWithError, rowError)
                : Row(current, existing, license.SkuId, group.GroupId, license.DisabledPlans, LicenseState.Error, rowError));
        }
    }

    // Keeps, in row order, each departed row that gives the last prerequisite of a plan still enabled.
    private void KeepNeededDeparted(List<AssignmentState> current, List<AssignmentState> next)
    {
        var kept = new bool[departed.Count];
        for (var d = 0; d < departed.Count; d++)
        {
            if (!kept[d] && GivesMissingPrerequisite(departed[d]))
            {
                kept[d] = true;
                AddRow(departed[d], +1);
                d = -1; // a kept row may need a prerequisite of its own: look again from the start
            }
        }
        for (var d = 0; d < departed.Count; d++)
        {
            if (kept[d])
            {
                var row = current[departed[d]];
                next.Add(Row(current, departed[d], row.SkuId, row.AssignedByGroup, row.DisabledPlans,
                    LicenseState.ActiveWithError, LicenseError.DependencyViolation));
            }
        }
    }

    private bool GivesMissingPrerequisite(int row)
    {
        foreach (var plan in PlansOf(row))
        {
            if (count[plan] > 0)
            {
                continue;
            }
            foreach (var dependent in index.Dependents[plan])
            {
                if (count[dependent] > 0 && Lacking(dependent))
                {
                    return true;
                }
            }
        }
        return false;
    }

    private static AssignmentState Row(
        List<AssignmentState> current, int existing, Guid skuId, Guid? groupId, ImmutableArray<Guid> disabled, LicenseState state, LicenseError error)
    {
        // Reusing the current instance when nothing changed lets the evaluator compare rows by reference.
        if (existing >= 0)
        {
            var row = current[existing];
            if (row.State == state && row.Error == error && AsSpan(row.DisabledPlans).SequenceEqual(AsSpan(disabled)))
            {
                return row;
            }
        }
        return new AssignmentState(skuId, groupId, disabled.IsDefault ? [] : disabled, state, error);
    }

    private static ReadOnlySpan<Guid> AsSpan(ImmutableArray<Guid> plans) => plans.IsDefault ? [] : plans.AsSpan();

    private bool IsIncumbent(GroupIntent group, List<AssignmentState> current) =>
        current.Exists(r => r.AssignedByGroup == group.GroupId && r.GrantsLicense && group.Intends(r.SkuId));

    private bool Lacking(int plan) => index.NeedsPrerequisite[plan] && !index.Prerequisites[plan].Any(p => count[p] > 0);

    private bool LackingBefore(int plan) => index.NeedsPrerequisite[plan] && !index.Prerequisites[plan].Any(p => Before(p) > 0);

    // The count as it was before the group's change was added.
    private int Before(int plan) => count[plan] - newMark[plan] + oldMark[plan];

    private (int, int) EnabledPlans(AssignmentState row)
    {
        var start = planBuffer.Count;
        if (index.Find(row.SkuId) is { } sku)
        {
            var disabled = AsSpan(row.DisabledPlans);
            for (var i = 0; i < sku.PlanIds.Length; i++)
            {
                if (!disabled.Contains(sku.PlanIds[i]))
                {
                    planBuffer.Add(sku.PlanIndexes[i]);
                }
            }
        }
        return (start, planBuffer.Count - start);
    }

    private IEnumerable<int> PlansOf(int row)
    {
        var (start, length) = rowPlans[row];
        for (var i = start; i < start + length; i++)
        {
            yield return planBuffer[i];
        }
    }

    private void AddRow(int row, int delta)
    {
        var (start, length) = rowPlans[row];
        for (var i = start; i < start + length; i++)
        {
            Add(planBuffer[i], delta);
        }
    }

    private void MarkRow(int[] marks, int row)
    {
        var (start, length) = rowPlans[row];
        for (var i = start; i < start + length; i++)
        {
            Mark(marks, planBuffer[i]);
        }
    }

    private void Add(int plan, int delta)
    {
        count[plan] += delta;
        touched.Add(plan);
    }

    private void Mark(int[] marks, int plan)
    {
        marks[plan]++;
        touched.Add(plan);
    }

    private void ClearMarks()
    {
        foreach (var plan in touched)
        {
            newMark[plan] = 0;
            oldMark[plan] = 0;
        }
    }

    private void Reset()
    {
        foreach (var plan in touched)
        {
            count[plan] = 0;
            newMark[plan] = 0;
            oldMark[plan] = 0;
        }
        touched.Clear();
        planBuffer.Clear();
        rowPlans.Clear();
        heldNow.Clear();
        reserved.Clear();
        departed.Clear();
        order.Clear();
    }
}
