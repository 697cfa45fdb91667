using System.Net;
using System.Security.Cryptography;
using Piazza.ClusterTests.Infrastructure;
using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.ClusterTests;

/// <summary>Files live where every node reaches them: an upload outlives the node it began on.</summary>
[Collection(ClusterCollection.Name)]
public class CrossNodeUploadTests(ClusterFixture cluster)
{
    [Fact]
    public async Task An_upload_begun_on_node_1_continues_on_node_2_after_node_1_is_killed_and_node_3_serves_the_file()
    {
        var data = TusTestClient.RandomBytes(3 * 1024 * 1024 + 17);
        var half = data.Length / 2;
        try
        {
            using var httpOne = cluster.Node(1).CreateHttpClient();
            var onOne = await TusTestClient.RegisterAsync(httpOne, ClusterFixture.Unique("uploader"));
            var location = await onOne.CreateOkAsync(data, "big.bin");
            var first = await onOne.PatchAsync(location, 0, data.AsMemory(0, half), "sha256 " + Convert.ToBase64String(SHA256.HashData(data.AsSpan(0, half))));
            Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);

            await cluster.Node(1).KillAsync();

            using var httpTwo = cluster.Node(2).CreateHttpClient();
            var onTwo = new TusTestClient(httpTwo, onOne.Token);
            Assert.Equal(half, await onTwo.OffsetAsync(location));
            var rest = await onTwo.PatchAsync(location, half, data.AsMemory(half));
            Assert.Equal(HttpStatusCode.NoContent, rest.StatusCode);
            var fileId = TusTestClient.FileId(rest);
            Assert.NotNull(fileId);

            using var httpThree = cluster.Node(3).CreateHttpClient();
            using var download = await new TusTestClient(httpThree, onOne.Token).DownloadAsync(fileId);
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            Assert.Equal(TusTestClient.Sha256Hex(data), TusTestClient.Sha256Hex(await download.Content.ReadAsByteArrayAsync()));
        }
        finally
        {
            await cluster.HealAsync();
        }
    }
}
