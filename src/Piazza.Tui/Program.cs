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
            Description = "Server port (native protocol door; default 7070, or 7443 with --tls)",
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

        var tls = new Option<bool>("--tls")
        {
            Description = "Connect with TLS; the certificate must be trusted by this system and name --host, unless --ca or --fingerprint says otherwise",
        };
        var ca = new Option<string?>("--ca")
        {
            Description = "With --tls: trust the certificates in this PEM file (a private CA or the server's self-signed certificate)",
        };
        var fingerprint = new Option<string?>("--fingerprint")
        {
            Description = "With --tls: trust exactly the certificate with this SHA-256 fingerprint (hex, as the server prints it)",
        };
        var insecure = new Option<bool>("--insecure")
        {
            Description = "With --tls: accept any certificate (for tests; you cannot know whom you talk to)",
        };

        var root = new RootCommand("Piazza terminal chat client")
        {
            tls,
            ca,
            fingerprint,
            insecure,
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
            var useTls = parse.GetValue(tls) || parse.GetValue(ca) is not null || parse.GetValue(fingerprint) is not null || parse.GetValue(insecure);
            var portGiven = parse.GetResult(port) is { Implicit: false };
            var settings = new ConnectSettings(parse.GetValue(host) ?? ConnectSettings.DefaultHost, useTls && !portGiven ? ProtocolConstants.DefaultTlsPort : parse.GetValue(port), parse.GetValue(user))
            {
                Tls = useTls ? new TlsSettings(parse.GetValue(ca), parse.GetValue(fingerprint), parse.GetValue(insecure)) : null,
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
