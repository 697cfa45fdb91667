using System.Buffers;
using System.Globalization;
using Piazza.Core;

namespace Piazza.Server.Doors.Irc;

/// <summary>
/// The write side: shared events go out as their cached IRC encoding, picked for this connection; the events that
/// differ per recipient (the welcome burst, a room's state on entering, invitations, history answers, read markers)
/// are written here for this connection alone.
/// </summary>
public sealed partial class IrcConnection
{
    /// <summary>The account this connection is logged in as (null for a guest); the write loop's copy, set by the welcome.</summary>
    private string? _account;

    private void WriteEvent(IBufferWriter<byte> output, ChatEvent chatEvent)
    {
        switch (chatEvent)
        {
            case WelcomeEvent welcome:
                WriteWelcome(output, welcome);
                break;
            case RoomStateEvent state:
                WriteRoomState(output, state);
                break;
            case HistoryEvent history:
                // Entering a room replays no backlog on IRC (as IRC servers do); draft/chathistory asks for it.
                if (history.RequestId is not null)
                {
                    WriteHistoryAnswer(output, history);
                }

                break;
            case Core.Rooms.InvitedEvent invited:
                WriteInvited(output, invited);
                break;
            case ReadEvent read:
                WriteRead(output, read);
                break;
            default:
                IrcWireLines.Write(output, chatEvent.GetEncoded(_encoder), Caps, _nick);
                break;
        }
    }

    /// <summary>A CHATHISTORY answer (IrcConnection.History.cs).</summary>
    partial void WriteHistoryAnswer(IBufferWriter<byte> output, HistoryEvent history);

    /// <summary>An invitation to this user (IrcConnection.Moderation.cs).</summary>
    partial void WriteInvited(IBufferWriter<byte> output, Core.Rooms.InvitedEvent invited);

    /// <summary>This account's read position moved on another connection: MARKREAD (IrcConnection.History.cs).</summary>
    partial void WriteRead(IBufferWriter<byte> output, ReadEvent read);

    private void WriteLine(IBufferWriter<byte> output, IrcLine line) => IrcWireLines.WriteFilteringTags(output, line.ToBytes(), Caps);

    private void WriteNumeric(IBufferWriter<byte> output, string code, params string[] parameters) => WriteLine(output, Numeric(code, parameters));

    /// <summary>001–005 and the message of the day; the rooms' states (the lobby's first) follow as events.</summary>
    private void WriteWelcome(IBufferWriter<byte> output, WelcomeEvent welcome)
    {
        _nick = welcome.User;
        _account = welcome.Registered ? welcome.User : null;
        WriteNumeric(output, IrcNumerics.Welcome, $"Welcome to the {_server.Network} IRC network, {_nick}");
        WriteNumeric(output, IrcNumerics.YourHost, $"Your host is {_server.Name}, running version {_server.Version}");
        WriteNumeric(output, IrcNumerics.Created, $"This server was created {_server.Started.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture)}");
        WriteLine(output, new IrcLine().Command(_server.Name, IrcNumerics.MyInfo).Param(_nick).Param(_server.Name).Param(_server.Version)
            .Param(IrcServerInfo.UserModes).Param(IrcServerInfo.ChannelModes));
        foreach (var line in SupportLines())
        {
            WriteLine(output, line);
        }

        WriteMotd(output, welcome.Motd);
    }

    /// <summary>The 005 lines, at most 13 tokens each (as the welcome and VERSION send them).</summary>
    private IEnumerable<IrcLine> SupportLines()
    {
        var tokens = _server.SupportTokens();
        for (var i = 0; i < tokens.Count; i += 13)
        {
            yield return Numeric(IrcNumerics.ISupport, [.. tokens.Skip(i).Take(13), "are supported by this server"]);
        }
    }

    private void WriteMotd(IBufferWriter<byte> output, string? motd)
    {
        if (string.IsNullOrWhiteSpace(motd))
        {
            WriteNumeric(output, IrcNumerics.NoMotd, "MOTD File is missing");
            return;
        }

        WriteNumeric(output, IrcNumerics.MotdStart, $"- {_server.Name} Message of the day - ");
        foreach (var line in IrcTextLines.Split(motd, 400))
        {
            WriteNumeric(output, IrcNumerics.Motd, "- " + line);
        }

        WriteNumeric(output, IrcNumerics.EndOfMotd, "End of /MOTD command.");
    }

    /// <summary>Entering a room: JOIN, its topic, its names.</summary>
    private void WriteRoomState(IBufferWriter<byte> output, RoomStateEvent state)
    {
        var channel = IrcNames.Channel(state.Room);
        WriteJoin(output, state.Room);
        WriteJoinReadMarker(output, state); // draft/read-marker: the position after the JOIN (IrcConnection.ReadMarker.cs)
        if (state.Topic is { Length: > 0 } topic)
        {
            WriteNumeric(output, IrcNumerics.Topic, channel, topic);
        }

        WriteNames(output, state.Room, state.Users, state.Owner is { } owner ? IdentityKey.NameKeyOf(owner) : null, state.Moderators, state.Private);
    }

    private void WriteJoin(IBufferWriter<byte> output, string room)
    {
        var line = new IrcLine().Command(IrcNames.Source(_nick), "JOIN").Param(IrcNames.Channel(room));
        if (Caps.Has(IrcCap.ExtendedJoin))
        {
            line.Param(_account ?? "*").Trailing(_nick);
        }

        WriteLine(output, line);
    }

    private void WriteNames(IBufferWriter<byte> output, string room, IReadOnlyList<PresenceEntry> users, string? owner, IReadOnlyList<string> moderators, bool secret = false)
    {
        var channel = IrcNames.Channel(room);
        foreach (var line in IrcNamesReply.Lines(_server.Name, _nick, channel, users, owner, moderators, Caps, secret))
        {
            WriteLine(output, line);
        }

        WriteNumeric(output, IrcNumerics.EndOfNames, channel, "End of /NAMES list");
    }
}
