using System.Globalization;
using System.Text.RegularExpressions;

namespace Piazza.IntegrationTests.Infrastructure;

/// <summary>
/// <see cref="IrcTestClient"/>s for a server known only by its IRC port (a server process, a cluster node), and the
/// one pattern of the line a server process prints for its IRC door (<c>IRC door on irc://127.0.0.1:6667</c>).
/// </summary>
public static partial class IrcPortClients
{
    /// <summary>A connection to <paramref name="port"/> on 127.0.0.1, not registered.</summary>
    public static Task<IrcTestClient> ConnectAsync(int port) => IrcTestClient.ConnectAsync(port);

    /// <summary>Registers as a guest (NICK and USER) and reads the welcome burst to its end (376 or 422).</summary>
    public static async Task<IrcTestClient> RegisterGuestAsync(int port, string nick)
    {
        var client = await ConnectAsync(port);
        await client.SendAsync($"NICK {nick}");
        await client.SendAsync($"USER {nick} 0 * :{nick}");
        Assert.Equal(nick, (await client.ExpectAsync("001")).Param(0));
        await client.ExpectAsync(l => l.Command is "376" or "422");
        return client;
    }

    /// <summary>The IRC port in a line a server process printed, or null when the line is not the IRC door's.</summary>
    public static int? PortIn(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var match = IrcLine().Match(line);
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    [GeneratedRegex(@"IRC door on irc://[^\s]+:(\d+)")]
    private static partial Regex IrcLine();
}
