using System.Buffers;
using System.Text;
using Piazza.Core;
using Piazza.Server.Doors.Irc;

namespace Piazza.UnitTests.Irc;

/// <summary>Cutting Piazza texts into IRC lines, and the lines each kind of client is given for a message and its changes.</summary>
public class IrcTextLinesUnitTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> Texts => new()
    {
        new string('x', 2000),
        string.Concat(Enumerable.Repeat("😀", 700)),
        string.Concat(Enumerable.Repeat("漢字かな", 200)),
        string.Concat(Enumerable.Repeat("a😀", 300)),
        "one\ntwo\n\nfour " + string.Concat(Enumerable.Repeat("many words ", 100)),
        "  spaced   out  \n\n\n",
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void Split_pieces_fit_the_budget_and_never_cut_a_code_point(string text)
    {
        var pieces = IrcTextLines.Split(text, 100);
        Assert.All(pieces, p => Assert.InRange(Encoding.UTF8.GetByteCount(p), 1, 100));
        Assert.All(pieces, p => Assert.False(char.IsHighSurrogate(p[^1]) || char.IsLowSurrogate(p[0])));
        Assert.Equal(text.Replace(" ", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal), string.Concat(pieces).Replace(" ", "", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public void Batch_pieces_fit_the_budget_and_join_back_to_the_exact_text(string text)
    {
        var pieces = IrcTextLines.SplitForBatch(text, 100);
        Assert.All(pieces, p => Assert.InRange(Encoding.UTF8.GetByteCount(p.Text), 0, 100));
        Assert.All(pieces.Where(p => p.Text.Length > 0), p => Assert.False(char.IsHighSurrogate(p.Text[^1]) || char.IsLowSurrogate(p.Text[0])));
        Assert.False(pieces[0].Concat);
        Assert.DoesNotContain(pieces, p => p.Concat && p.Text.Length == 0);
        var joined = new StringBuilder();
        for (var i = 0; i < pieces.Count; i++)
        {
            joined.Append(i == 0 || pieces[i].Concat ? "" : "\n").Append(pieces[i].Text);
        }

        Assert.Equal(text, joined.ToString());
    }

    [Fact]
    public void A_long_line_is_cut_after_a_space_near_its_end_and_continued_with_concat()
    {
        var pieces = IrcTextLines.SplitForBatch("hello " + new string('a', 90) + " tail", 100);
        Assert.Equal([("hello " + new string('a', 90) + " ", false), ("tail", true)], pieces);
    }

    [Fact]
    public void A_file_message_shows_its_link_line_and_a_multi_line_one_is_a_batch_only_for_multiline_clients()
    {
        var encoder = new IrcEventEncoder("irc.test", () => "http://127.0.0.1:8080");
        var message = new MessageEvent("m1", 1, "lobby", "lobby", "bob", null, "look\nhere", At, new FileAttachment("f1", "plan.pdf", 1234, "application/pdf", "00"));
        var encoded = encoder.Encode(message);

        var plain = Lines(encoded, IrcCapSet.Empty);
        Assert.Equal([":bob!bob@piazza PRIVMSG #lobby :look", ":bob!bob@piazza PRIVMSG #lobby :here", ":bob!bob@piazza PRIVMSG #lobby :[file] plan.pdf (1234 bytes) http://127.0.0.1:8080/api/files/f1"], plain);

        var multiline = Lines(encoded, Caps(IrcCap.Batch, IrcCap.Multiline, IrcCap.MessageTags));
        Assert.Equal(
            ["@msgid=m1 :bob!bob@piazza BATCH +mlm1 draft/multiline #lobby", "@batch=mlm1 :bob!bob@piazza PRIVMSG #lobby :look", "@batch=mlm1 :bob!bob@piazza PRIVMSG #lobby :here",
             "@batch=mlm1 :bob!bob@piazza PRIVMSG #lobby :[file] plan.pdf (1234 bytes) http://127.0.0.1:8080/api/files/f1", ":bob!bob@piazza BATCH -mlm1"],
            multiline);
        Assert.Equal(1, Lines(encoded, Caps(IrcCap.MessageTags)).Count(l => l.Contains("msgid=m1", StringComparison.Ordinal)));
    }

    [Fact]
    public void Changes_to_a_private_conversation_target_the_other_persons_nick_and_fallbacks_follow_the_caps()
    {
        var encoder = new IrcEventEncoder("irc.test", () => null);
        var deleted = encoder.Encode(new DeletedEvent("@alice,bob", "m1", 1, "Alice", At));
        Assert.Equal([":Alice!Alice@piazza REDACT bob m1"], Lines(deleted, Caps(IrcCap.MessageRedaction)));
        Assert.Equal([":Alice!Alice@piazza NOTICE bob :[deleted a message]"], Lines(deleted, IrcCapSet.Empty));

        var reaction = encoder.Encode(new ReactionEvent("@alice,~bob~0123456789abcdef", "m1", 1, "👍", "bob", false));
        Assert.Equal(["@+draft/unreact=👍;+draft/reply=m1 :bob!bob@piazza TAGMSG alice"], Lines(reaction, Caps(IrcCap.MessageTags)));
        Assert.Empty(Lines(reaction, IrcCapSet.Empty));

        var edited = encoder.Encode(new Core.Editing.EditedEvent("dev", "m1", 1, "fixed", At, "alice", null));
        Assert.Equal([":alice!alice@piazza PRIVMSG #dev :[edited] fixed"], Lines(edited, IrcCapSet.Empty));
        Assert.Empty(Lines(edited, IrcCapSet.Empty, nick: "alice")); // the author's own connections: only with echo-message

        var pinned = encoder.Encode(new Core.Pins.PinEvent("dev", "m1", 1, "alice", At, true));
        Assert.Equal(["@+draft/reply=m1 :alice!alice@piazza NOTICE #dev :[pinned a message]"], Lines(pinned, Caps(IrcCap.MessageTags)));
    }

    private static IrcCapSet Caps(params IrcCap[] caps) => caps.Aggregate(IrcCapSet.Empty, (set, cap) => set.With(cap));

    private static List<string> Lines(byte[] encoded, IrcCapSet caps, string nick = "carol")
    {
        var output = new ArrayBufferWriter<byte>();
        IrcWireLines.Write(output, encoded, caps, nick);
        return [.. Encoding.UTF8.GetString(output.WrittenSpan).Split("\r\n", StringSplitOptions.RemoveEmptyEntries)];
    }
}
