namespace Skuld.Licensing.Engine.Internal;

/// <summary>
/// The one order of a user's assignment rows: by skuId, then the direct row, then by group id.
/// Guid order equals the order of their lower-case string forms.
/// </summary>
internal sealed class AssignmentOrder : IComparer<AssignmentState>
{
    public static AssignmentOrder Instance { get; } = new();

    public int Compare(AssignmentState? x, AssignmentState? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        var bySku = x.SkuId.CompareTo(y.SkuId);
        if (bySku != 0) return bySku;
        return (x.AssignedByGroup, y.AssignedByGroup) switch
        {
            (null, null) => 0,
            (null, _) => -1,
            (_, null) => 1,
            ({ } a, { } b) => a.CompareTo(b),
        };
    }
}
