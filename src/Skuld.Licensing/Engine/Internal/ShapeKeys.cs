using System.Collections.Immutable;

namespace Skuld.Licensing.Engine.Internal;

/// <summary>
/// A member's licensed groups compared by value (group ids, SKUs and disabledPlans in list order), so
/// members of one group share their evaluation whether or not the caller shares the instances.
/// </summary>
internal readonly struct GroupsKey(ImmutableArray<GroupLicense> groups) : IEquatable<GroupsKey>
{
    public ImmutableArray<GroupLicense> Groups { get; } = groups.IsDefault ? [] : groups;

    public bool Equals(GroupsKey other)
    {
        // The same array: the common case when a worker passes one array to a group's members.
        if (Groups == other.Groups)
        {
            return true;
        }
        if (Groups.Length != other.Groups.Length)
        {
            return false;
        }
        for (var i = 0; i < Groups.Length; i++)
        {
            if (!SameGroup(Groups[i], other.Groups[i]))
            {
                return false;
            }
        }
        return true;
    }

    public override bool Equals(object? obj) => obj is GroupsKey other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var group in Groups)
        {
            hash.Add(group.GroupId);
        }
        return hash.ToHashCode();
    }

    private static bool SameGroup(GroupLicense a, GroupLicense b)
    {
        if (ReferenceEquals(a, b))
        {
            return true;
        }
        if (a.GroupId != b.GroupId)
        {
            return false;
        }
        var x = a.Licenses.IsDefault ? [] : a.Licenses;
        var y = b.Licenses.IsDefault ? [] : b.Licenses;
        if (x.Length != y.Length)
        {
            return false;
        }
        for (var i = 0; i < x.Length; i++)
        {
            if (!ReferenceEquals(x[i], y[i]) && (x[i].SkuId != y[i].SkuId || !SamePlans(x[i].DisabledPlans, y[i].DisabledPlans)))
            {
                return false;
            }
        }
        return true;
    }

    // The engine reads a default (missing) list as empty everywhere.
    internal static bool SamePlans(ImmutableArray<Guid> a, ImmutableArray<Guid> b) =>
        (a.IsDefault ? [] : a.AsSpan()).SequenceEqual(b.IsDefault ? [] : b.AsSpan());
}

/// <summary>
/// Everything a member's evaluation depends on besides the groups: the usage location it is checked
/// in, the proxy clash, the current rows (by value, in the order given) and which of the groups' SKUs
/// have a free seat (one bit per SKU).
/// </summary>
internal readonly struct ShapeKey(string? location, bool proxyClash, ulong freeSeats, ImmutableArray<AssignmentState> rows)
    : IEquatable<ShapeKey>
{
    public string? Location { get; } = location;

    public bool ProxyClash { get; } = proxyClash;

    public ulong FreeSeats { get; } = freeSeats;

    public ImmutableArray<AssignmentState> Rows { get; } = rows;

    public bool Equals(ShapeKey other)
    {
        if (ProxyClash != other.ProxyClash || FreeSeats != other.FreeSeats || !string.Equals(Location, other.Location, StringComparison.Ordinal)
            || Rows.Length != other.Rows.Length)
        {
            return false;
        }
        for (var i = 0; i < Rows.Length; i++)
        {
            if (!SameRow(Rows[i], other.Rows[i]))
            {
                return false;
            }
        }
        return true;
    }

    public override bool Equals(object? obj) => obj is ShapeKey other && Equals(other);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Location);
        hash.Add(ProxyClash);
        hash.Add(FreeSeats);
        foreach (var row in Rows)
        {
            hash.Add(row.SkuId);
            hash.Add(row.AssignedByGroup);
            hash.Add(row.State);
            hash.Add(row.Error);
        }
        return hash.ToHashCode();
    }

    private static bool SameRow(AssignmentState a, AssignmentState b) =>
        ReferenceEquals(a, b)
        || (a.SkuId == b.SkuId && a.AssignedByGroup == b.AssignedByGroup && a.State == b.State && a.Error == b.Error
            && GroupsKey.SamePlans(a.DisabledPlans, b.DisabledPlans));
}
