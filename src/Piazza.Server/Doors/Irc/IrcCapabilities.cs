namespace Piazza.Server.Doors.Irc;

/// <summary>The IRCv3 capabilities the door offers (ircv3.net), each a bit of a connection's <see cref="IrcCapSet"/>.</summary>
public enum IrcCap : byte
{
    None = 0,
    CapNotify,
    ServerTime,
    MessageTags,
    EchoMessage,
    Sasl,
    AccountTag,
    AccountNotify,
    AwayNotify,
    ExtendedJoin,
    MultiPrefix,
    UserhostInNames,
    InviteNotify,
    Batch,
    LabeledResponse,
    Setname,
    Chghost,
    ChatHistory,
    ReadMarker,
    MessageRedaction,
    Multiline,
}

/// <summary>A set of <see cref="IrcCap"/>s as bits: what one connection negotiated, read by its write loop without a lock.</summary>
public readonly record struct IrcCapSet(ulong Bits)
{
    public static IrcCapSet Empty => default;

    public bool Has(IrcCap cap) => cap == IrcCap.None || (Bits & Bit(cap)) != 0;

    public IrcCapSet With(IrcCap cap) => new(Bits | Bit(cap));

    public IrcCapSet Without(IrcCap cap) => new(Bits & ~Bit(cap));

    private static ulong Bit(IrcCap cap) => 1UL << (int)cap;
}

/// <summary>
/// The one table of capabilities: the name a client requests, the value <c>CAP LS 302</c> shows, and whether a
/// client may drop it again (<c>sasl</c> stays once offered; cap-notify is implicit with 302).
/// </summary>
public static class IrcCapabilities
{
    /// <summary>The most bytes of one multiline batch, and its most lines (draft/multiline's advertised limits).</summary>
    public const int MultilineMaxBytes = 4096;

    public const int MultilineMaxLines = 32;

    public static IReadOnlyList<(IrcCap Cap, string Name, string? Value)> All { get; } =
    [
        (IrcCap.CapNotify, "cap-notify", null),
        (IrcCap.ServerTime, "server-time", null),
        (IrcCap.MessageTags, "message-tags", null),
        (IrcCap.EchoMessage, "echo-message", null),
        (IrcCap.Sasl, "sasl", "PLAIN"),
        (IrcCap.AccountTag, "account-tag", null),
        (IrcCap.AccountNotify, "account-notify", null),
        (IrcCap.AwayNotify, "away-notify", null),
        (IrcCap.ExtendedJoin, "extended-join", null),
        (IrcCap.MultiPrefix, "multi-prefix", null),
        (IrcCap.UserhostInNames, "userhost-in-names", null),
        (IrcCap.InviteNotify, "invite-notify", null),
        (IrcCap.Batch, "batch", null),
        (IrcCap.LabeledResponse, "labeled-response", null),
        (IrcCap.Setname, "setname", null),
        (IrcCap.Chghost, "chghost", null),
        (IrcCap.ChatHistory, "draft/chathistory", null),
        (IrcCap.ReadMarker, "draft/read-marker", null),
        (IrcCap.MessageRedaction, "draft/message-redaction", null),
        (IrcCap.Multiline, "draft/multiline", $"max-bytes={MultilineMaxBytes},max-lines={MultilineMaxLines}"),
    ];

    public static IrcCap Find(string name)
    {
        foreach (var (cap, capName, _) in All)
        {
            if (string.Equals(capName, name, StringComparison.OrdinalIgnoreCase))
            {
                return cap;
            }
        }

        return IrcCap.None;
    }

    public static string NameOf(IrcCap cap) => All.First(c => c.Cap == cap).Name;

    /// <summary>The capability a tag needs before a client sees it: <c>time</c> server-time, <c>account</c> account-tag, <c>batch</c> batch, <c>label</c> labeled-response, any other message-tags.</summary>
    public static IrcCap ForTag(ReadOnlySpan<byte> key) => key switch
    {
        _ when key.SequenceEqual("time"u8) => IrcCap.ServerTime,
        _ when key.SequenceEqual("account"u8) => IrcCap.AccountTag,
        _ when key.SequenceEqual("batch"u8) => IrcCap.Batch,
        _ when key.SequenceEqual("label"u8) => IrcCap.LabeledResponse,
        _ => IrcCap.MessageTags,
    };
}
