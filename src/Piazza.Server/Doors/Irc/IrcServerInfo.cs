using Piazza.Core;
using Piazza.Protocol;

namespace Piazza.Server.Doors.Irc;

/// <summary>What the IRC door says about itself: its server name, network, version, start time, and the chat rules its ISUPPORT states.</summary>
public sealed record IrcServerInfo(string Name, string Network, string Version, DateTimeOffset Started, ChatHubOptions Hub)
{
    /// <summary>User modes the door knows (<c>+i</c> only: Piazza lists nobody by address) and channel modes, as 004 lists them.</summary>
    public const string UserModes = "i";

    public const string ChannelModes = "biklmnostv";

    /// <summary>
    /// The ISUPPORT (005) tokens, each true of this door: names follow Piazza's rules (<see cref="NameSyntax"/>) and fold
    /// case as Unicode does (<c>rfc8265</c>, as other UTF-8 servers say it), only '#' channels, text UTF-8 only.
    /// </summary>
    public IReadOnlyList<string> SupportTokens()
    {
        var hub = Hub;
        return
    [
        "AWAYLEN=" + ChatHub.MaxAwayChars,
        "CASEMAPPING=rfc8265",
        "CHANLIMIT=#:" + (hub.MaxRoomsPerUser > 0 ? hub.MaxRoomsPerUser.ToString(System.Globalization.CultureInfo.InvariantCulture) : ""),
        "CHANMODES=b,k,l,imnst",
        "CHANNELLEN=" + (NameSyntax.MaxRoomLength + 1),
        "CHANTYPES=#",
        "CHATHISTORY=" + IrcConnection.MaxChatHistory,
        "ELIST=U",
        "EXTBAN=,m",
        "KICKLEN=" + ChatHub.MaxReasonChars,
        "LINELEN=" + IrcMessage.MaxBodyBytes,
        "MAXTARGETS=1",
        "MODES=4",
        "MSGREFTYPES=msgid,timestamp",
        "NETWORK=" + Network,
        "NICKLEN=" + NameSyntax.MaxUserLength,
        "PREFIX=(ov)@+",
        "SAFELIST",
        "STATUSMSG=@",
        "TOPICLEN=" + ChatHub.MaxTopicChars,
        "UTF8ONLY",
        "WHOX",
        "BOT=B",
        "MAXLIST=b:100",
        "TARGMAX=PRIVMSG:1,NOTICE:1,JOIN:10,PART:10,NAMES:1,WHOIS:1,KICK:1",
    ];
    }
}
