using Skuld.Store.Audit;

namespace Skuld.Store.Tests.Audit;

/// <summary>The ids a processing batch gives its audit events: version 7, of the batch's moment, in creation order.</summary>
public sealed class AuditEventIdsTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 3, 18, 30, 0, 123, TimeSpan.Zero);

    [Fact]
    public void Ids_are_version_7_guids_of_the_moment_in_strictly_increasing_order_as_guids_text_and_bytes()
    {
        var generator = new AuditEventIds(At);
        var ids = Enumerable.Range(0, 5_000).Select(_ => generator.Next()).ToList();

        Assert.All(ids, id =>
        {
            Assert.Equal(7, id.Version);
            Assert.Equal(0b10, id.Variant >> 2);
            // The first 48 bits are the Unix millisecond.
            Assert.Equal(At.ToUnixTimeMilliseconds(), Convert.ToInt64(id.ToString("N")[..12], 16));
        });
        for (var i = 1; i < ids.Count; i++)
        {
            Assert.True(ids[i - 1].CompareTo(ids[i]) < 0, $"{ids[i - 1]} !< {ids[i]} (Guid order)");
            // SQLite compares the upper-case text EF Core stores; PostgreSQL compares uuid bytes in RFC (big-endian) order.
            Assert.True(string.CompareOrdinal(ids[i - 1].ToString("D").ToUpperInvariant(), ids[i].ToString("D").ToUpperInvariant()) < 0);
            Assert.True(ids[i - 1].ToByteArray(bigEndian: true).AsSpan().SequenceCompareTo(ids[i].ToByteArray(bigEndian: true)) < 0);
        }
    }

    [Fact]
    public void Two_batches_of_the_same_moment_do_not_share_an_id()
    {
        var (first, second) = (new AuditEventIds(At), new AuditEventIds(At));

        var ids = Enumerable.Range(0, 1_000).SelectMany(_ => new[] { first.Next(), second.Next() }).ToList();

        Assert.Equal(ids.Count, ids.Distinct().Count());
    }
}
