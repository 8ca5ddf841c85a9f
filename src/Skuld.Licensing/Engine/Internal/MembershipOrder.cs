namespace Skuld.Licensing.Engine.Internal;

/// <summary>The seat queue: earliest membership first, then user id.</summary>
internal sealed class MembershipOrder : IComparer<MemberInput>
{
    public static MembershipOrder Instance { get; } = new();

    /// <summary>The members in queue order; a batch already in that order (the worker's) is only checked, not copied.</summary>
    public static IReadOnlyList<MemberInput> Sort(IReadOnlyList<MemberInput> members)
    {
        for (var i = 1; i < members.Count; i++)
        {
            if (Instance.Compare(members[i - 1], members[i]) > 0)
            {
                // A stable sort, so members that compare equal keep their list order.
                return [.. members.Order(Instance)];
            }
        }
        return members;
    }

    public int Compare(MemberInput? x, MemberInput? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        var bySince = x.MemberSince.CompareTo(y.MemberSince);
        return bySince != 0 ? bySince : x.User.UserId.CompareTo(y.User.UserId);
    }
}
