using Piazza.IntegrationTests.Infrastructure;

namespace Piazza.IntegrationTests.Observability;

/// <summary>A flooding client on the real executable: its refusals and its disconnect are counted, by kind and reason.</summary>
public sealed class DisconnectMetricsTests
{
    [Fact]
    public async Task A_flooding_disconnect_is_counted_with_its_refusals()
    {
        // One message, then refusals: more than 30 within 10 s disconnect the connection as flooding.
        await using var server = await ObservedServer.StartAsync("--message-burst", "1", "--messages-per-second", "0.001");
        var (flooder, _) = await RawClient.JoinAsync(server.TcpPort, "dave");
        await using (flooder)
        {
            for (var i = 0; i < 40; i++)
            {
                await flooder.SendAsync(new { type = "send", room = "lobby", text = $"flood {i}", id = $"f{i}" });
            }

            var flooding = await flooder.ReadUntilAsync(f => f.Type() == "error" && f.Str("code") == "flooding");
            Assert.NotNull(flooding);
            Assert.True(await flooder.WaitForCloseAsync(), "the server closes a flooding connection");
        }

        using var http = new HttpClient { BaseAddress = server.HttpBase };
        var page = await ScriptedSession.ReadUntilAsync(http, p => p.Value("piazza_disconnects_total") > 0 && p.Value("piazza_connections_open") == 0);
        Assert.Equal(1, page.Value("piazza_disconnects_total", ("reason", "flooding")));
        Assert.Equal(1, page.Value("piazza_disconnects_total"));
        Assert.InRange(page.Value("piazza_rate_limited_total", ("kind", "messages")), 31, 39);
        Assert.Equal(1, page.Value("piazza_messages_stored_total"));
    }
}
