using System.Buffers;
using System.Numerics;

namespace Skuld.Licensing.Engine.Internal;

/// <summary>
/// The user ids of one batch, to refuse a user listed twice: an open-addressing table in a pooled array,
/// because a HashSet for a batch of 5,000 puts 120 KB on the large object heap every batch.
/// </summary>
internal ref struct UserIdSet : IDisposable
{
    private readonly Guid[] slots;
    private readonly int mask;
    private readonly int shift;
    private bool hasEmpty;

    public UserIdSet(int count)
    {
        // At most half full, so probes stay short.
        var size = Math.Max(16, (int)BitOperations.RoundUpToPowerOf2((uint)count * 2));
        slots = ArrayPool<Guid>.Shared.Rent(size);
        slots.AsSpan(0, size).Clear();
        mask = size - 1;
        shift = 32 - BitOperations.Log2((uint)size);
    }

    /// <summary>False when the id is already in the set.</summary>
    public bool Add(Guid userId)
    {
        // An empty slot holds Guid.Empty, so that id is kept apart.
        if (userId == Guid.Empty)
        {
            var first = !hasEmpty;
            hasEmpty = true;
            return first;
        }
        // Fibonacci hashing: the top bits of the product spread ids that differ in a few bytes (sequential ids).
        var i = (int)(((uint)userId.GetHashCode() * 2654435769u) >> shift);
        while (slots[i] != Guid.Empty)
        {
            if (slots[i] == userId)
            {
                return false;
            }
            i = (i + 1) & mask;
        }
        slots[i] = userId;
        return true;
    }

    public readonly void Dispose() => ArrayPool<Guid>.Shared.Return(slots);
}
