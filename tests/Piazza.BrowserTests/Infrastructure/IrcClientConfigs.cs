using System.Net;

namespace Piazza.BrowserTests.Infrastructure;

/// <summary>
/// Configuration files for real IRC clients, written into a fresh folder per run: one server on a loopback address,
/// SASL PLAIN with a Piazza account, one channel joined on connect, and nothing else (no scripts, no logs, no other
/// networks, no update or download checks), so a client does exactly what the test drives and nothing leaves the machine.
/// </summary>
public static class IrcClientConfigs
{
    /// <summary>The network name both clients give the Piazza server (irssi's chatnet, weechat's server).</summary>
    public const string Network = "piazza";

    /// <summary>
    /// irssi's config (<c>irssi --home=DIR --config=DIR/config</c>). Window 1 is the status window; the layout binds
    /// <paramref name="channel"/> to window 2, so <c>/window 2</c> shows it whatever other channels the server joins.
    /// Its command queue sends a line every 250 ms rather than every 2.2 s (cmdspeed), so the channel's sync queries
    /// (MODE, WHO, MODE b) are answered in about a second instead of some 20, still within the server's frame rate.
    /// </summary>
    public static string WriteIrssi(string directory, IPEndPoint server, string account, string password, string channel)
    {
        ArgumentNullException.ThrowIfNull(server);
        Directory.CreateDirectory(directory);
        var config = $$"""
            servers = (
              {
                address = "{{server.Address}}";
                chatnet = "{{Network}}";
                port = "{{server.Port}}";
                use_tls = "no";
                autoconnect = "yes";
              }
            );
            chatnets = {
              {{Network}} = {
                type = "IRC";
                nick = "{{account}}";
                username = "{{account}}";
                realname = "{{account}} on irssi";
                sasl_mechanism = "PLAIN";
                sasl_username = "{{account}}";
                sasl_password = "{{Quoted(password)}}";
                cmdspeed = "250";
                cmdmax = "5";
              };
            };
            channels = ( { name = "{{channel}}"; chatnet = "{{Network}}"; autojoin = "yes"; } );
            windows = {
              1 = { immortal = "yes"; name = "(status)"; level = "ALL"; };
              2 = { items = ( { type = "CHANNEL"; chat_type = "IRC"; name = "{{channel}}"; tag = "{{Network}}"; } ); };
            };
            settings = {
              core = { real_name = "{{account}} on irssi"; user_name = "{{account}}"; nick = "{{account}}"; settings_autosave = "no"; };
              "fe-common/core" = { autolog = "no"; };
            };

            """;
        var path = Path.Combine(directory, "config");
        File.WriteAllText(path, config);
        return path;
    }

    /// <summary>
    /// weechat's config folder (<c>weechat -d DIR</c>): only the irc and buflist plugins (no script languages, so no
    /// script downloads), no logo, and the server buffer stays in front after connecting (the test reads the SASL
    /// outcome there, then switches to the channel itself). Option names are weechat 3.8's (Debian 12): 4.0 renamed
    /// <c>ssl</c> to <c>tls</c>.
    /// </summary>
    public static void WriteWeechat(string directory, IPEndPoint server, string account, string password, string channel)
    {
        ArgumentNullException.ThrowIfNull(server);
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "weechat.conf"), """
            [startup]
            display_logo = off
            display_version = off

            [plugin]
            autoload = "irc,buflist"

            """);
        File.WriteAllText(Path.Combine(directory, "irc.conf"), $"""
            [look]
            buffer_switch_autojoin = off
            buffer_switch_join = off

            [server]
            {Network}.addresses = "{server.Address}/{server.Port}"
            {Network}.ssl = off
            {Network}.nicks = "{account}"
            {Network}.username = "{account}"
            {Network}.realname = "{account} on weechat"
            {Network}.sasl_mechanism = plain
            {Network}.sasl_username = "{account}"
            {Network}.sasl_password = "{Quoted(password)}"
            {Network}.sasl_fail = disconnect
            {Network}.autoconnect = on
            {Network}.autoreconnect = off
            {Network}.autojoin = "{channel}"

            """);
    }

    // Both formats quote strings with double quotes and escape with a backslash.
    private static string Quoted(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
