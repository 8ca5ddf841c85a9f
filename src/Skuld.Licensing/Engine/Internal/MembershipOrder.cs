namespace Skuld.Licensing.Engine.Internal;

/// <summary>The seat queue: earliest membership first, then user id.</summary>
internal sealed class MembershipOrder : IComparer<MemberInput>
{
    public static MembershipOrder Instance { get; } = new();

    public int Compare(MemberInput? x, MemberInput? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        var bySince = x.MemberSince.CompareTo(y.MemberSince);
        return bySince != 0 ? bySince : x.User.UserId.CompareTo(y.User.UserId);
    }
}
