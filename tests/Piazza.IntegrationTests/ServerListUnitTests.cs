using Piazza.Client;
using Piazza.Client.Internal;

namespace Piazza.IntegrationTests;

/// <summary>The client library's server list syntax and its per-conversation record of delivered seqs, without a server.</summary>
public class ServerListUnitTests
{
    [Theory]
    [InlineData("a.example:7071", "a.example", 7071)]
    [InlineData("  10.0.0.2:1 ", "10.0.0.2", 1)]
    [InlineData("b.example", "b.example", 7443)]
    [InlineData("[::1]:7070", "::1", 7070)]
    [InlineData("[::1]", "::1", 7443)]
    [InlineData("::1", "::1", 7443)]
    public void A_server_is_host_colon_port_or_a_bare_host_taking_the_default_port(string text, string host, int port)
    {
        Assert.True(ServerEndpoint.TryParse(text, 7443, out var server, out var error), error);
        Assert.Equal(new ServerEndpoint(host, port), server);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData(":0", "names no host")]
    [InlineData(":7070", "names no host")]
    [InlineData("host:notaport", "'notaport' is not a number from 1 to 65535")]
    [InlineData("host:0", "'0' is not a number from 1 to 65535")]
    [InlineData("host:65536", "'65536' is not a number")]
    [InlineData("host:", "'' is not a number")]
    [InlineData("two words:70", "names no host")]
    [InlineData("[::1]x", "[ADDRESS]:PORT")]
    [InlineData("a:b:c", "[ADDRESS]:PORT")]
    public void A_bad_server_is_refused_with_a_sentence_saying_what_is_wrong(string text, string expected)
    {
        Assert.False(ServerEndpoint.TryParse(text, 7070, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_list_reads_repeated_values_and_comma_lists_alike_in_order_without_repeats()
    {
        var repeated = ServerEndpoint.ParseList(["a:1", "b:2", "a:1"], 7070);
        var commas = ServerEndpoint.ParseList(["a:1,b:2"], 7070);
        var mixed = ServerEndpoint.ParseList(["a:1, b", "c:3"], 2);

        Assert.Equal([new ServerEndpoint("a", 1), new ServerEndpoint("b", 2)], repeated);
        Assert.Equal(repeated, commas);
        Assert.Equal(["a:1", "b:2", "c:3"], mixed.Select(s => s.ToString()));
        Assert.Equal("[::1]:7070", new ServerEndpoint("::1", 7070).ToString());
        Assert.Contains("'x:y' has no valid port", Assert.Throws<FormatException>(() => ServerEndpoint.ParseList(["a:1,x:y"], 7070)).Message, StringComparison.Ordinal);
        Assert.Contains("empty", Assert.Throws<FormatException>(() => ServerEndpoint.ParseList(["a:1,,b:2"], 7070)).Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => ServerEndpoint.ParseList([], 7070));
    }

    [Fact]
    public void Options_without_a_list_mean_host_and_port_alone()
    {
        Assert.Equal([new ServerEndpoint("127.0.0.1", 7070)], new PiazzaClientOptions().ServersToTry);
        Assert.Equal([new ServerEndpoint("h", 9)], new PiazzaClientOptions { Host = "h", Port = 9 }.ServersToTry);
        Assert.Equal([new ServerEndpoint("x", 1)], new PiazzaClientOptions { Host = "h", Servers = [new ServerEndpoint("x", 1)] }.ServersToTry);
    }

    [Fact]
    public void A_replay_overlapping_live_delivery_yields_each_seq_once_per_conversation()
    {
        var delivered = new DeliveredSeqs();

        // Live 1..3 on node a; after the failover node b replays from 3 (a repeat of 3 included) while 4 and 5 arrive live.
        var stream = new (string Conversation, long Seq)[] { ("lobby", 1), ("lobby", 2), ("lobby", 3), ("lobby", 5), ("lobby", 3), ("lobby", 4), ("lobby", 5), ("@a,b", 3), ("LOBBY", 4) };
        var passed = stream.Where(m => delivered.TryAdd(m.Conversation, m.Seq)).ToList();

        Assert.Equal([("lobby", 1L), ("lobby", 2L), ("lobby", 3L), ("lobby", 5L), ("lobby", 4L), ("@a,b", 3L)], passed);
        Assert.Equal(5, delivered.Highest["lobby"]);
        Assert.Equal(3, delivered.Highest["@a,b"]);
    }

    [Fact]
    public void A_conversation_left_is_forgotten_so_a_later_join_replays_it_and_memory_stays_bounded()
    {
        var delivered = new DeliveredSeqs();
        for (long seq = 1; seq <= DeliveredSeqs.Window + 10; seq++)
        {
            Assert.True(delivered.TryAdd("dev", seq));
        }

        Assert.False(delivered.TryAdd("dev", DeliveredSeqs.Window + 10)); // recent: a repeat
        Assert.True(delivered.TryAdd("dev", 1)); // older than the window: nothing would replay it but a new join

        delivered.Forget("DEV");
        Assert.False(delivered.Highest.ContainsKey("dev"));
        Assert.True(delivered.TryAdd("dev", DeliveredSeqs.Window + 10));
    }
}
