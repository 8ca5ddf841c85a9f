using System.Net;

namespace Skuld.Server.Tests.Security;

/// <summary>A body sent without Content-Length (chunked), so the server only learns its size by reading it.</summary>
public sealed class UnsizedContent(byte[] bytes) : HttpContent
{
    public UnsizedContent(string text)
        : this(System.Text.Encoding.UTF8.GetBytes(text))
    {
        Headers.ContentType = new("application/json");
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(bytes).AsTask();

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
