using System.Buffers.Binary;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;

namespace Skuld.Server.Graph.Query;

/// <summary>
/// The opaque <c>$skiptoken</c>: where the last page ended (its sort key, if sorted, and its id).
/// Not signed: every query is already scoped to the caller's tenant, so a forged token can only move
/// the start of a page within data the caller may read. It does record the sort it was made for, so
/// a token can't be replayed under another <c>$orderby</c>.
/// </summary>
public sealed record PageToken(Guid LastId, string? SortProperty, string? LastSortKey)
{
    private const byte Version = 1;

    public string Encode()
    {
        var sort = Encoding.UTF8.GetBytes(SortProperty ?? "");
        var key = Encoding.UTF8.GetBytes(LastSortKey ?? "");
        var bytes = new byte[1 + 16 + 2 + sort.Length + key.Length];
        bytes[0] = Version;
        LastId.TryWriteBytes(bytes.AsSpan(1, 16));
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(17, 2), (ushort)sort.Length);
        sort.CopyTo(bytes, 19);
        key.CopyTo(bytes, 19 + sort.Length);
        return WebEncoders.Base64UrlEncode(bytes);
    }

    /// <summary>The instant a page sorted by a date-time ended at (its sort key is UTC ticks), or null if the key is not one.</summary>
    public static DateTimeOffset? Ticks(PageToken token) =>
        long.TryParse(token.LastSortKey, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ticks)
        && ticks <= DateTimeOffset.MaxValue.UtcTicks
            ? new DateTimeOffset(ticks, TimeSpan.Zero)
            : null;

    public static PageToken? Decode(string token)
    {
        byte[] bytes;
        try
        {
            bytes = WebEncoders.Base64UrlDecode(token);
        }
        catch (FormatException)
        {
            return null;
        }

        if (bytes.Length < 19 || bytes[0] != Version)
        {
            return null;
        }

        var sortLength = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(17, 2));
        if (19 + sortLength > bytes.Length)
        {
            return null;
        }

        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        try
        {
            var sort = utf8.GetString(bytes, 19, sortLength);
            var key = utf8.GetString(bytes, 19 + sortLength, bytes.Length - 19 - sortLength);
            return sort.Length == 0
                ? (key.Length == 0 ? new PageToken(new Guid(bytes.AsSpan(1, 16)), null, null) : null)
                : new PageToken(new Guid(bytes.AsSpan(1, 16)), sort, key);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
