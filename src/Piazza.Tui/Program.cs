using System.CommandLine;
using Piazza.Protocol;

namespace Piazza.Tui;

/// <summary>Entry point: parses the command line and starts the terminal UI or the <c>--plain</c> line mode.</summary>
internal static class Program
{
    public static Task<int> Main(string[] args) => BuildCommand().Parse(args).InvokeAsync();

    /// <summary>The command line, separate from <see cref="Main"/> so tests can parse without running.</summary>
    public static RootCommand BuildCommand()
    {
        var host = new Option<string>("--host", "-h")
        {
            Description = "Server host name or address",
            DefaultValueFactory = _ => ConnectSettings.DefaultHost,
        };
        var port = new Option<int>("--port", "-p")
        {
            Description = "Server port (native protocol door)",
            DefaultValueFactory = _ => ProtocolConstants.DefaultPort,
        };
        port.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 65535)
            {
                result.AddError("--port must be between 1 and 65535");
            }
        });
        var user = new Option<string?>("--user", "-u")
        {
            Description = "User name; without it the UI asks for one (required with --plain)",
        };
        var password = new Option<string?>("--password")
        {
            Description = "Account password (default: the PIAZZA_PASSWORD environment variable); without one you are a guest",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("PIAZZA_PASSWORD") is { Length: > 0 } env ? env : null,
        };
        var register = new Option<bool>("--register")
        {
            Description = "Create the account --user with --password (8 characters or more), then log in",
        };
        var guest = new Option<bool>("--guest")
        {
            Description = "Connect as a guest (no password), even when PIAZZA_PASSWORD is set",
        };
        var room = new Option<string?>("--room", "-r")
        {
            Description = "With --plain: the room stdin lines are sent to, joined if needed (default lobby)",
        };
        var plain = new Option<bool>("--plain")
        {
            Description = "Line mode for scripts and pipes: sends each stdin line (or runs /msg USER TEXT, /join, /who, …), "
                + "prints each live event to stdout as 'HH:MM:SS <user> text' or 'HH:MM:SS * user joined|left (reason)' "
                + "in local time, with '[room]' or '[@user]' after the time when it is not the --room; "
                + "exit codes: 0 done, 1 name or password refused, 2 cannot connect, 3 connection lost, 64 usage",
        };

        var root = new RootCommand("Piazza terminal chat client")
        {
            host,
            port,
            user,
            password,
            register,
            guest,
            room,
            plain,
        };

        // -h is taken by --host; keep --help and -? for help.
        foreach (var option in root.Options)
        {
            if (option is System.CommandLine.Help.HelpOption help)
            {
                help.Aliases.Remove("-h");
            }
        }

        root.SetAction(async (parse, cancellationToken) =>
        {
            var mode = parse.GetValue(guest) ? LoginMode.Guest : parse.GetValue(register) ? LoginMode.Register : LoginMode.Auto;
            var settings = new ConnectSettings(parse.GetValue(host) ?? ConnectSettings.DefaultHost, parse.GetValue(port), parse.GetValue(user))
            {
                Password = mode == LoginMode.Guest ? null : parse.GetValue(password),
                Mode = mode,
                Room = parse.GetValue(room),
            };
            return parse.GetValue(plain)
                ? await PlainMode.RunAsync(settings, Console.In, Console.Out, Console.Error, cancellationToken).ConfigureAwait(false)
                : TuiApp.Run(settings);
        });
        return root;
    }
}
