using System.Globalization;
using Piazza.Client;
using Piazza.IntegrationTests.Infrastructure;
using Piazza.Tui;

namespace Piazza.IntegrationTests.Tui;

/// <summary><c>--server</c>: the TUI's list of a cluster's servers, on the command line and in <c>--plain</c>.</summary>
public sealed partial class PlainModeTests
{
    private static ConnectSettings ParseSettings(params string[] args)
    {
        var (command, settings) = Piazza.Tui.Program.Build();
        var parse = command.Parse(args);
        Assert.Empty(parse.Errors);
        return settings(parse);
    }

    [Fact]
    public void Server_repeated_and_server_as_a_comma_list_give_the_same_list_in_order()
    {
        var repeated = ParseSettings("--server", "a.example:7071", "--server", "b.example:7072", "--user", "x", "--plain");
        var commas = ParseSettings("--server", "a.example:7071,b.example:7072", "--user", "x", "--plain");
        var shortForm = ParseSettings("-s", "a.example:7071", "-s", "b.example:7072");

        ServerEndpoint[] expected = [new("a.example", 7071), new("b.example", 7072)];
        Assert.Equal(expected, repeated.Servers);
        Assert.Equal(expected, commas.Servers);
        Assert.Equal(expected, shortForm.Servers);
        Assert.Equal(("a.example", 7071), (repeated.Host, repeated.Port));
        Assert.Equal("a.example:7071,b.example:7072", commas.ServerList);
        Assert.Equal(expected, commas.ToClientOptions(reconnect: true).Servers);
    }

    [Fact]
    public void A_server_without_a_port_takes_port_or_the_tls_default_and_host_alone_is_a_list_of_one()
    {
        Assert.Equal([new ServerEndpoint("a", 7000), new ServerEndpoint("b", 1)], ParseSettings("--server", "a,b:1", "--port", "7000").Servers);
        Assert.Equal([new ServerEndpoint("a", 7443)], ParseSettings("--server", "a", "--tls").Servers);
        Assert.Equal([new ServerEndpoint("example.org", 7000)], ParseSettings("--host", "example.org", "--port", "7000").Servers);
        Assert.Equal([new ServerEndpoint("127.0.0.1", 7070)], ParseSettings().Servers);
    }

    [Theory]
    [InlineData(":0", "--server: ':0' names no host")]
    [InlineData("host:notaport", "--server: 'host:notaport' has no valid port: 'notaport' is not a number from 1 to 65535")]
    [InlineData("", "--server: a server is empty")]
    [InlineData("a:1,,b:2", "--server: a server is empty")]
    public void A_bad_server_is_one_error_saying_what_is_wrong(string value, string expected)
    {
        var errors = Piazza.Tui.Program.BuildCommand().Parse(["--server", value, "--user", "x", "--plain"]).Errors;
        Assert.StartsWith(expected, Assert.Single(errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Host_and_server_together_are_refused()
    {
        var errors = Piazza.Tui.Program.BuildCommand().Parse(["--host", "a", "--server", "b:1"]).Errors;
        Assert.Contains("--host and --server", Assert.Single(errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_server_prints_one_line_and_exits_64_as_a_process()
    {
        var result = await RunPiazzaAsync(["--server", "host:notaport", "--user", "x", "--plain"], "");

        Assert.Equal(64, result.ExitCode);
        Assert.Equal(["--server: 'host:notaport' has no valid port: 'notaport' is not a number from 1 to 65535"], result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Equal("", result.Stdout.Trim());
    }

    [Fact]
    public async Task Plain_mode_passes_over_a_server_that_is_down_and_sends_through_the_next()
    {
        await using var b = await TestServer.StartAsync();
        var (bob, _) = await RawClient.JoinAsync(b.Port, "bob");
        await using var bobClient = bob;
        var settings = ParseSettings("--server", $"127.0.0.1:{FreePort()},127.0.0.1:{b.Port}", "--user", "carol", "--plain");
        var error = new StringWriter();

        var exit = await PlainMode.RunAsync(settings, new StringReader("via b\n"), new StringWriter(), error);

        Assert.Equal((0, ""), (exit, error.ToString()));
        Assert.Equal("via b", (await bob.ReadUntilAsync(f => f.Type() == "message")).Str("text"));
    }

    [Fact]
    public async Task Plain_mode_with_several_servers_fails_over_when_its_server_stops_and_keeps_printing()
    {
        var a = await TestServer.StartAsync();
        await using var b = await TestServer.StartAsync();
        var (watcher, _) = await RawClient.JoinAsync(a.Port, "watcher");
        var input = new BlockingReader();
        var output = new LineSignallingWriter();
        var settings = ParseSettings("--server", $"127.0.0.1:{a.Port}", "--server", $"127.0.0.1:{b.Port}", "--user", "carol", "--plain");
        var run = PlainMode.RunAsync(settings, input, output, new StringWriter());
        await watcher.ReadUntilAsync(f => f.Type() == "joined" && f.Str("user") == "carol");
        await watcher.DisposeAsync();

        await a.DisposeAsync();
        await output.WaitForAsync(l => l.EndsWith($"reconnected to 127.0.0.1:{b.Port}", StringComparison.Ordinal)).WaitAsync(ClientEvents.Timeout);
        var (dave, _) = await RawClient.JoinAsync(b.Port, "dave");
        await using var daveClient = dave;
        await dave.SendAsync(new { type = "send", id = "d1", room = "lobby", text = "hello from b" });
        await output.WaitForAsync(l => l.EndsWith("<dave> hello from b", StringComparison.Ordinal)).WaitAsync(ClientEvents.Timeout);

        input.End();
        Assert.Equal(0, await run.WaitAsync(ClientEvents.Timeout));
    }
}
