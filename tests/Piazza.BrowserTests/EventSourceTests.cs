using System.Globalization;
using Piazza.BrowserTests.Infrastructure;

namespace Piazza.BrowserTests;

/// <summary>A real EventSource in Chromium reads <c>GET /api/events</c> (token in <c>?access_token=</c>: EventSource sets no headers).</summary>
public sealed class EventSourceTests
{
    /// <summary>Collects every chat message the page's EventSource delivers, live or caught up, with the ids it saw.</summary>
    private const string OpenStream =
        """
        async token => {
          window.texts = [];
          window.ids = [];
          window.welcomes = 0;
          const source = new EventSource('/api/events?access_token=' + encodeURIComponent(token));
          window.source = source;
          source.onmessage = e => { window.ids.push(e.lastEventId); window.texts.push(JSON.parse(e.data).text); };
          source.addEventListener('history', e => window.texts.push(...JSON.parse(e.data).messages.map(m => m.text)));
          source.addEventListener('welcome', () => window.welcomes++);
          await new Promise((resolve, reject) => {
            source.addEventListener('welcome', resolve, { once: true });
            setTimeout(() => reject(new Error('no welcome event')), 20000);
          });
        }
        """;

    [Fact]
    public async Task An_EventSource_receives_messages_sent_over_the_line_protocol_and_resumes_by_itself_across_a_server_restart()
    {
        var server = await ProductionServer.StartAsync();
        var data = server.DataDirectory;
        var httpPort = server.HttpEndPoint!.Port;
        await using var chromium = await Chromium.LaunchAsync();
        var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        try
        {
            string token;
            await using (server)
            {
                var (bob, _) = await ProtocolSteps.RegisterAsync(server.Port, "bob");
                await using var bobDevice = bob;
                var (alice, welcome) = await ProtocolSteps.RegisterAsync(server.Port, "alice");
                await alice.DisposeAsync();
                token = welcome.Str("token")!;
                await page.GotoAsync(new Uri(server.HttpBase, "/healthz").ToString());
                await page.EvaluateAsync(OpenStream, token);

                await ProtocolSteps.SendOkAsync(bob, "lobby", "hello, browser", "b1");
                await page.WaitForFunctionAsync("() => window.texts.includes('hello, browser')");
                Assert.StartsWith("v1.", await page.EvaluateAsync<string>("() => window.ids[window.ids.length - 1]"), StringComparison.Ordinal);
                await server.StopKeepingDataAsync();
            }

            // The stream ended with the shutdown event; EventSource retries on its own (retry: 3000) and sends
            // Last-Event-ID, which the restarted server (same data, same HTTP port) resumes from.
            await using var restarted = await ProductionServer.StartInAsync(data, ("HttpPort", httpPort.ToString(CultureInfo.InvariantCulture)));
            await using var bob2 = await restarted.LoginAsync("bob");
            await ProtocolSteps.SendOkAsync(bob2, "lobby", "while the stream was down", "b2");
            await page.WaitForFunctionAsync("() => window.welcomes >= 2", null, new() { Timeout = 30000 });
            await ProtocolSteps.SendOkAsync(bob2, "lobby", "after the restart", "b3");
            await page.WaitForFunctionAsync("() => window.texts.includes('after the restart')");
            Assert.Equal(["hello, browser", "while the stream was down", "after the restart"], await page.EvaluateAsync<string[]>("() => window.texts"));
            await page.EvaluateAsync("() => window.source.close()");
        }
        finally
        {
            await context.CloseAsync();
        }
    }
}
