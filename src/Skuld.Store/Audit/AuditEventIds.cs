using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Skuld.Store.Audit;

/// <summary>
/// Version 7 GUIDs in strictly increasing order for the events of one moment (a processing batch), RFC 9562 §6.2
/// method 1: the Unix millisecond, then a 42-bit counter that starts at random, then 32 random bits fixed for this
/// generator. Why not <see cref="Guid.CreateVersion7(DateTimeOffset)"/>: within one millisecond its ids are in random
/// order, so a batch's events had to be sorted by id for the primary key, which scattered them over the target index;
/// in creation order (user order) both indexes take them at their right edge, and no random bytes are read per event.
/// </summary>
internal sealed class AuditEventIds
{
    private readonly long milliseconds;
    private readonly uint tail;
    private long counter;

    public AuditEventIds(DateTimeOffset at)
    {
        milliseconds = at.ToUnixTimeMilliseconds();
        Span<byte> random = stackalloc byte[9];
        RandomNumberGenerator.Fill(random);
        tail = BinaryPrimitives.ReadUInt32BigEndian(random);
        // Below 2^40: at least 2^41 more ids before the 42-bit counter could overflow.
        counter = (long)(BinaryPrimitives.ReadUInt64BigEndian(random[1..]) >> 24);
    }

    public Guid Next()
    {
        var count = counter++;
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteInt64BigEndian(bytes, milliseconds << 16);
        bytes[6] = (byte)(0x70 | (int)((count >> 38) & 0x0F)); // version 7, counter bits 41–38
        bytes[7] = (byte)(count >> 30);
        bytes[8] = (byte)(0x80 | (int)((count >> 24) & 0x3F)); // variant 10, counter bits 29–24
        bytes[9] = (byte)(count >> 16);
        bytes[10] = (byte)(count >> 8);
        bytes[11] = (byte)count;
        BinaryPrimitives.WriteUInt32BigEndian(bytes[12..], tail);
        return new Guid(bytes, bigEndian: true);
    }
}
