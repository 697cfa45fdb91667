using Piazza.Client;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Tui;

namespace Piazza.IntegrationTests.Tui;

/// <summary>
/// The one command executor of the window and <c>--plain</c>, without any view: typed lines run against a real server
/// and their outcome lands in the chat state.
/// </summary>
public sealed class ChatControllerTests
{
    /// <summary>A view-less host: changes run at once on the caller's thread, guarded by a lock like <c>--plain</c>'s.</summary>
    private sealed class TestHost(bool showsPrivateConversations) : IChatHost
    {
        private readonly Lock _gate = new();

        public ChatState State { get; } = new();

        public bool ShowsPrivateConversations => showsPrivateConversations;

        public IReadOnlyList<string> ExtraHelp => ["extra help from the view"];

        public void Post(Action change)
        {
            lock (_gate)
            {
                change();
            }
        }

        public T Read<T>(Func<T> read)
        {
            lock (_gate)
            {
                return read();
            }
        }

        public IReadOnlyList<string> Texts() => Read(() => State.Lines.Select(l => l.Text).ToList());
    }

    private static async Task<(PiazzaClient Client, TestHost Host, ChatController Controller, Task Pump)> StartAsync(TestServer server, string user, bool window)
    {
        var client = new PiazzaClient(new PiazzaClientOptions { Port = server.Port, User = user, Password = ProtocolSteps.Password, Register = true });
        await client.ConnectAsync();
        var host = new TestHost(window);
        var pump = Task.Run(async () =>
        {
            await foreach (var e in client.Events.ReadAllAsync())
            {
                host.Post(() => host.State.Apply(e));
            }
        });
        return (client, host, new ChatController(client, host.State, host), pump);
    }

    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(ClientEvents.Timeout);
        while (!condition())
        {
            Assert.False(timeout.IsCancellationRequested, $"timed out waiting for {what}");
            await Task.Delay(20, CancellationToken.None);
        }
    }

    [Fact]
    public async Task Join_send_help_and_delete_run_through_the_client_and_show_in_the_state()
    {
        await using var server = await TestServer.StartAsync();
        var (client, host, controller, pump) = await StartAsync(server, "alice", window: true);
        await using (client)
        {
            await UntilAsync(() => host.Read(() => host.State.Self) == "alice", "the welcome");
            Assert.Equal(CommandResult.Done, await controller.RunAsync("/join dev"));
            await UntilAsync(() => host.Read(() => host.State.Current.Id) == "dev", "dev shown");
            await UntilAsync(() => host.Read(() => host.State.Current.Users.Contains("alice")), "alice listed in dev");
            Assert.Single(host.Texts(), t => t == "you joined dev");

            // Joining again (as a way back from another room) switches to it and does not say "joined" twice.
            await controller.RunAsync("/join lobby");
            await UntilAsync(() => host.Read(() => host.State.Current.Id) == "lobby", "lobby shown");
            await controller.RunAsync("/join dev");
            await UntilAsync(() => host.Read(() => host.State.Current.Id) == "dev", "dev shown again");
            Assert.Single(host.Texts(), t => t == "you joined dev");

            Assert.Equal(CommandResult.Done, await controller.RunAsync("first words"));
            await UntilAsync(() => host.Texts().Contains("first words"), "the echo of the message");
            Assert.Equal("first words", (await client.HistoryAsync("dev")).Single().Text);

            await controller.RunAsync("/help");
            Assert.Contains(ChatCommand.ModerationHelpText, host.Texts()); // alice owns dev
            Assert.Contains("extra help from the view", host.Texts());

            await controller.RunAsync("/delete");
            await UntilAsync(() => host.Texts().Contains("(message deleted by alice)"), "the deletion");
            Assert.True((await client.HistoryAsync("dev")).Single().Deleted);

            await controller.RunAsync("/nope");
            Assert.Contains("unknown command /nope; /help lists commands", host.Texts());
            Assert.True((await controller.RunAsync("/quit")).Quit);
        }

        await pump;
    }

    [Fact]
    public async Task A_private_message_shows_its_conversation_in_the_window_and_not_in_plain_mode()
    {
        await using var server = await TestServer.StartAsync();
        var (bob, bobHost, bobController, bobPump) = await StartAsync(server, "bob", window: false);
        var (alice, host, controller, pump) = await StartAsync(server, "alice", window: true);
        await using (bob)
        await using (alice)
        {
            await UntilAsync(() => host.Read(() => host.State.Self) == "alice" && bobHost.Read(() => bobHost.State.Self) == "bob", "both welcomes");
            await controller.RunAsync("/msg bob hi bob");
            await UntilAsync(() => host.Read(() => host.State.Current.IsPrivate), "alice's window to show the private conversation");
            Assert.Equal("bob", host.Read(() => host.State.Current.Peer));

            await bobController.RunAsync("/msg alice hi alice");
            await UntilAsync(() => bobHost.Read(() => bobHost.State.FindPrivate("alice")?.Lines.Count) == 2, "both private messages at bob's");
            Assert.Equal("lobby", bobHost.Read(() => bobHost.State.Current.Id)); // --plain stays in its room

            await bobController.RunAsync("/upload /no/such/file.txt");
            Assert.Contains("no such file: /no/such/file.txt", bobHost.Texts());
            await bobController.RunAsync("/ban alice 1h");
            Assert.Contains(bobHost.Texts(), t => t.StartsWith("/ban alice failed (", StringComparison.Ordinal)); // not bob's room to moderate
        }

        await Task.WhenAll(pump, bobPump);
    }

    [Fact]
    public async Task Download_by_a_short_id_says_when_it_is_ambiguous_or_matches_no_file()
    {
        await using var server = await TestServer.StartAsync();
        var (client, host, controller, pump) = await StartAsync(server, "alice", window: false);
        await using (client)
        {
            await UntilAsync(() => host.Read(() => host.State.Self) == "alice", "the welcome");
            var files = new[] { ("3f9a0c2e41d8a1b0c2e7f00112233445", "report.pdf"), ("3f9a0c2e77d8a1b0c2e7f00112233445", "notes.txt"), ("3f9a11112222333344445555666677aa", "photo.png") };
            host.Post(() =>
            {
                foreach (var (seq, (id, name)) in files.Index())
                {
                    host.State.Apply(new MessageReceived(ChatEvents.Stored("lobby", 100 + seq) with { File = new SharedFile(id, name, 1, null, null) }, Replayed: false));
                }
            });

            await controller.RunAsync("/download 3f9a");
            Assert.Contains("ambiguous: 3f9a matches 3 files: 3f9a0c2e4 report.pdf, 3f9a0c2e7 notes.txt, 3f9a1111 photo.png", host.Texts());

            // No file seen with that id: the server is asked (an id from elsewhere), and says there is none.
            await controller.RunAsync("/download 0badc0de");
            await UntilAsync(() => host.Texts().Any(t => t.StartsWith("no file with id 0badc0de", StringComparison.Ordinal)), "the answer about an unknown id");
            Assert.DoesNotContain(host.Texts(), t => t.Contains("failed", StringComparison.Ordinal));

            await controller.RunAsync("/join bad name!");
            Assert.Contains("'bad name!' is not a room name: room names may contain only letters, digits, '_', '-' and '.' (not spaces)", host.Texts());
            await controller.RunAsync("/jion dev");
            Assert.Contains("unknown command /jion: did you mean /join ROOM? /help lists commands", host.Texts());
            await controller.RunAsync("/help msg");
            Assert.Contains(CommandCatalog.Find("msg")!.Describe(), host.Texts());
            await controller.RunAsync("/topic");
            Assert.Contains("lobby has no topic; /topic TEXT sets one", host.Texts());
        }

        await pump;
    }

    [Fact]
    public async Task Rooms_lists_a_page_at_a_time_and_rooms_more_goes_on_until_the_last()
    {
        await using var server = await TestServer.StartAsync();
        var names = await Security.RoomBoundsTests.CreateStoredRoomsAsync(server, 79, topic: null);
        var (client, host, controller, pump) = await StartAsync(server, "alice", window: false);
        await using (client)
        {
            await UntilAsync(() => host.Read(() => host.State.Self) == "alice", "the welcome");
            Assert.Equal(CommandResult.Done, await controller.RunAsync("/rooms"));
            Assert.Contains("rooms (50, more with /rooms more):", host.Texts());
            Assert.Contains("  room00048 · 0 present", host.Texts());
            Assert.DoesNotContain("  room00049 · 0 present", host.Texts());

            await controller.RunAsync("/rooms more");
            Assert.Contains("rooms (30):", host.Texts());
            var listed = host.Texts().Where(t => t.StartsWith("  room", StringComparison.Ordinal)).ToList();
            Assert.Equal(names.Count, listed.Count);
            Assert.Equal(names.Count, listed.Distinct(StringComparer.Ordinal).Count());

            await controller.RunAsync("/rooms more");
            Assert.Contains("no more rooms: /rooms lists them from the start", host.Texts());
        }

        await pump;
    }
}
