using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Piazza.BrowserTests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Piazza.BrowserTests;

/// <summary>
/// A sent message shows as pending until the server acknowledges it, and a failed one offers a retry. The page's
/// WebSocket runs through a Playwright route that can hold back the server's frames, so "pending" lasts as long as
/// the test wants instead of a few milliseconds.
/// </summary>
public sealed class SendingTests
{
    [Fact]
    public async Task AMessageIsPendingUntilAcknowledgedAndAFailedOneCanBeRetried()
    {
        await using var server = await ProductionServer.StartAsync();
        await using var chromium = await Chromium.LaunchAsync();
        var gate = new FrameGate();
        var alice = await chromium.OpenAsync(server, beforeLoad: page => page.RouteWebSocketAsync("**/ws", gate.Attach));
        await alice.RegisterAsync("alice");

        gate.Hold();
        await alice.SendAsync("wait for it");
        var pending = alice.PendingMessages;
        await Expect(pending).ToHaveCountAsync(1);
        await Expect(pending).ToContainTextAsync("wait for it");
        await Expect(pending).ToContainTextAsync("sending…");
        await Expect(pending).ToHaveAttributeAsync("data-pending-id", new System.Text.RegularExpressions.Regex("^web-"));
        await Expect(alice.MessageTexts).ToHaveCountAsync(0);
        var sentId = await pending.GetAttributeAsync("data-pending-id");
        await gate.HeldOkAsync(sentId!);
        gate.Release();
        await Expect(pending).ToHaveCountAsync(0);
        await Expect(alice.Page.Locator("#messages .msg.own .msg-text")).ToHaveTextAsync(["wait for it"]);

        // The server stores the message but the page hears an error instead: it shows the failure and a retry,
        // and the retry (same id) is answered as a duplicate, so the message is shown once.
        gate.Hold();
        await alice.SendAsync("second try");
        await Expect(pending).ToContainTextAsync("second try");
        var retryId = await pending.GetAttributeAsync("data-pending-id");
        await gate.HeldOkAsync(retryId!);
        gate.DropAndSend(new JsonObject { ["type"] = "error", ["re"] = retryId, ["code"] = "server_error", ["message"] = "disk full" }.ToJsonString());
        var failed = alice.Page.Locator("#pending .msg.failed");
        await Expect(failed).ToContainTextAsync("not sent: disk full");
        await failed.GetByRole(AriaRole.Button, new() { Name = "Retry" }).ClickAsync();
        await Expect(pending).ToHaveCountAsync(0);
        await Expect(alice.MessageTexts).ToHaveTextAsync(["wait for it", "second try"]);
    }

    /// <summary>Forwards the page's WebSocket to the server; can hold the server's frames and release or drop them.</summary>
    private sealed class FrameGate
    {
        private readonly Lock _lock = new();
        private readonly List<string> _held = [];
        private readonly List<TaskCompletionSource> _okWaiters = [];
        private IWebSocketRoute? _page;
        private bool _holding;

        public void Attach(IWebSocketRoute page)
        {
            var server = page.ConnectToServer();
            _page = page;
            page.OnMessage(frame => server.Send(frame.Text ?? string.Empty));
            server.OnMessage(frame =>
            {
                lock (_lock)
                {
                    if (!_holding)
                    {
                        page.Send(frame.Text ?? string.Empty);
                        return;
                    }

                    _held.Add(frame.Text ?? string.Empty);
                    foreach (var waiter in _okWaiters)
                    {
                        waiter.TrySetResult();
                    }
                }
            });
        }

        public void Hold()
        {
            lock (_lock)
            {
                _holding = true;
            }
        }

        /// <summary>Waits until the server's ok for <paramref name="id"/> is among the held frames.</summary>
        public async Task HeldOkAsync(string id)
        {
            var marker = $"\"re\":\"{id}\"";
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            while (true)
            {
                TaskCompletionSource next;
                lock (_lock)
                {
                    if (_held.Any(f => f.Contains(marker, StringComparison.Ordinal)))
                    {
                        return;
                    }

                    next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    _okWaiters.Add(next);
                }

                await next.Task.WaitAsync(timeout.Token);
            }
        }

        public void Release()
        {
            lock (_lock)
            {
                _holding = false;
                foreach (var frame in _held)
                {
                    _page!.Send(frame);
                }

                _held.Clear();
            }
        }

        public void DropAndSend(string frame)
        {
            lock (_lock)
            {
                _holding = false;
                _held.Clear();
                _page!.Send(frame);
            }
        }
    }
}
