using System.CommandLine;
using System.CommandLine.Invocation;
using Piazza.Client;
using Piazza.Protocol;

namespace Piazza.Tui;

/// <summary>Entry point: parses the command line and starts the terminal UI or the <c>--plain</c> line mode.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var parse = BuildCommand().Parse(args);
        if (parse.Action is ParseErrorAction usage)
        {
            // A mistyped option gets the line that says what is wrong, not the whole help (--help shows that).
            usage.ShowHelp = false;
            await parse.InvokeAsync().ConfigureAwait(false);
            return PlainMode.ExitUsage;
        }

        return await parse.InvokeAsync().ConfigureAwait(false);
    }

    /// <summary>The command line, separate from <see cref="Main"/> so tests can parse without running.</summary>
    public static RootCommand BuildCommand() => Build().Command;

    /// <summary>The command line and how a parse of it becomes the settings to connect with (for tests too).</summary>
    public static (RootCommand Command, Func<ParseResult, ConnectSettings> Settings) Build()
    {
        var host = new Option<string>("--host", "-h")
        {
            Description = "Server host name or address (one server; --server names several)",
            DefaultValueFactory = _ => ConnectSettings.DefaultHost,
        };
        var server = new Option<string[]>("--server", "-s")
        {
            Description = "A server as HOST:PORT (HOST alone takes --port). Repeat it or give a comma list (a:7070,b:7070) for "
                + "the nodes of a cluster: the client connects to the first that answers and, when the connection is lost, "
                + "goes on to the next and resumes every conversation where it left off",
        };
        server.Validators.Add(result =>
        {
            try
            {
                ServerEndpoint.ParseList(result.Tokens.Select(t => t.Value), ProtocolConstants.DefaultPort);
            }
            catch (FormatException ex)
            {
                result.AddError($"--server: {ex.Message}");
            }
        });
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
                + "with one server a lost connection ends it, with several (--server) it goes on to the next and resumes, nothing missed or repeated; "
                + "exit codes: 0 done, 1 name or password refused, 2 cannot connect, 3 connection lost, 64 usage",
        };

        var noBell = new Option<bool>("--no-bell")
        {
            Description = "Do not ring the terminal bell on a mention of you or a private message (default: on unless the "
                + "PIAZZA_BELL environment variable is off, 0 or false)",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("PIAZZA_BELL")?.Trim().ToLowerInvariant() is "off" or "0" or "false",
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
            server,
            host,
            port,
            user,
            password,
            register,
            guest,
            room,
            plain,
            noBell,
        };

        // -h is taken by --host; keep --help and -? for help.
        foreach (var option in root.Options)
        {
            if (option is System.CommandLine.Help.HelpOption help)
            {
                help.Aliases.Remove("-h");
            }
        }

        root.Validators.Add(result =>
        {
            if (result.GetResult(server) is { Tokens.Count: > 0 } && result.GetResult(host) is { Implicit: false })
            {
                result.AddError("--host and --server both name the server: use --server HOST:PORT[,HOST:PORT…] alone");
            }
        });

        ConnectSettings Settings(ParseResult parse)
        {
            var mode = parse.GetValue(guest) ? LoginMode.Guest : parse.GetValue(register) ? LoginMode.Register : LoginMode.Auto;
            var useTls = parse.GetValue(tls) || parse.GetValue(ca) is not null || parse.GetValue(fingerprint) is not null || parse.GetValue(insecure);
            var portGiven = parse.GetResult(port) is { Implicit: false };
            var defaultPort = useTls && !portGiven ? ProtocolConstants.DefaultTlsPort : parse.GetValue(port);
            IReadOnlyList<ServerEndpoint> servers = parse.GetValue(server) is { Length: > 0 } listed
                ? ServerEndpoint.ParseList(listed, defaultPort)
                : [new ServerEndpoint(parse.GetValue(host) ?? ConnectSettings.DefaultHost, defaultPort)];
            return new ConnectSettings(servers[0].Host, servers[0].Port, parse.GetValue(user))
            {
                Servers = servers,
                Tls = useTls ? new TlsSettings(parse.GetValue(ca), parse.GetValue(fingerprint), parse.GetValue(insecure)) : null,
                Password = mode == LoginMode.Guest ? null : parse.GetValue(password),
                Mode = mode,
                Room = parse.GetValue(room),
                Bell = !parse.GetValue(noBell),
            };
        }

        root.SetAction(async (parse, cancellationToken) =>
        {
            var settings = Settings(parse);
            return parse.GetValue(plain)
                ? await PlainMode.RunAsync(settings, Console.In, Console.Out, Console.Error, cancellationToken).ConfigureAwait(false)
                : TuiApp.Run(settings);
        });
        return (root, Settings);
    }
}
