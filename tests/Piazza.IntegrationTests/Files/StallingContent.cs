using System.Net;

namespace Piazza.IntegrationTests.Files;

/// <summary>
/// A request body that sends its first part, then stalls until the request is cancelled: a connection cut mid-upload.
/// It declares the full length, as a real client would.
/// </summary>
internal sealed class StallingContent(ReadOnlyMemory<byte> head, long declaredLength) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(head, cancellationToken);
        await stream.FlushAsync(cancellationToken);
        await Task.Delay(Timeout.Infinite, cancellationToken);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        => SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long length)
    {
        length = declaredLength;
        return true;
    }
}
