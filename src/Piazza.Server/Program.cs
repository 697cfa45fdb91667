using System.CommandLine;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Piazza.Server;
using Piazza.Server.Admin;
using Piazza.Server.Observability;
using Piazza.Server.Options;

// Flags are made from the option table and become configuration keys, so flags, PIAZZA_* environment variables and
// appsettings.json are one options system (see Options/OptionTable.cs and docs/configuration.md).
var flags = new CommandLineFlags();
var data = flags["--data"];

// `admin …` subcommands act on the data folder; --data applies to them too.
data.Recursive = true;

var root = new RootCommand("Piazza chat server: the native TCP door (protocol v1), the HTTP door (web client, WebSocket, REST API) and an operator console.");
foreach (var flag in flags.All)
{
    root.Options.Add(flag);
}

root.Subcommands.Add(AdminCommands.Create(data));
root.Subcommands.Add(Piazza.Server.Keep.BackupCommand.Create(flags));
root.Subcommands.Add(Piazza.Server.Keep.RestoreCommand.Create(flags));
root.Subcommands.Add(Piazza.Server.Keep.ExportCommand.Create(flags));

// Writes docs/configuration.md from the same table (a test keeps the checked-in page in step).
var configurationDoc = new Command("configuration-doc", "print docs/configuration.md, made from the option table") { Hidden = true };
configurationDoc.SetAction(_ => Console.Out.Write(ConfigurationDoc.Render()));
root.Subcommands.Add(configurationDoc);

// Writes deploy/appsettings.example.json from the same table (a test keeps the checked-in file in step).
var appSettingsExample = new Command("appsettings-example", "print deploy/appsettings.example.json, made from the option table") { Hidden = true };
appSettingsExample.SetAction(_ => Console.Out.Write(AppSettingsExample.Render()));
root.Subcommands.Add(appSettingsExample);
root.Subcommands.Add(HealthCheckCommand.Create());
root.SetAction((parse, cancellationToken) => ServerProgram.RunAsync(flags.ToConfiguration(parse), cancellationToken));

var parse = root.Parse(args);
if (CommandLineErrors.Describe(parse) is { } problem)
{
    // Exit code 2, as for an invalid value: the command line is wrong, nothing ran.
    await Console.Error.WriteLineAsync($"piazza-server: {problem}").ConfigureAwait(false);
    return 2;
}

return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }).ConfigureAwait(false);

/// <summary>Starts the host and turns start-up failures into one clear line and exit code 2.</summary>
internal static class ServerProgram
{
    public static async Task<int> RunAsync(Dictionary<string, string?> overrides, CancellationToken cancellationToken)
    {
        WebApplication app;
        PiazzaOptions options;
        try
        {
            app = PiazzaHost.Build(overrides);
            options = app.Services.GetRequiredService<PiazzaOptions>();
        }
        catch (OptionsValidationException ex)
        {
            // One line however many options are wrong: each failure names the option as written and the rule it breaks.
            await Console.Error.WriteLineAsync($"piazza-server: {string.Join("; ", ex.Failures)}").ConfigureAwait(false);
            return 2;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or IOException or UnauthorizedAccessException or FormatException)
        {
            await Console.Error.WriteLineAsync($"piazza-server: {ex.Message}").ConfigureAwait(false);
            return 2;
        }

        await using (app.ConfigureAwait(false))
        {
            bool newDatabase;
            try
            {
                newDatabase = options.Cluster.Postgres is null && !DataFolder.HoldsDatabase(options.Data);
                await PiazzaHost.StartAsync(app, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or SocketException)
            {
                await Console.Error.WriteLineAsync($"piazza-server: {ListenFailure.Describe(ex, options)}").ConfigureAwait(false);
                return 2;
            }
            catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException)
            {
                await Console.Error.WriteLineAsync($"piazza-server: cannot load the TLS certificate: {ex.Message}").ConfigureAwait(false);
                return 2;
            }
            catch (Piazza.Storage.Postgres.PostgresUnreachableException ex)
            {
                await Console.Error.WriteLineAsync($"piazza-server: {ex.Message}").ConfigureAwait(false);
                return 2;
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException or System.Data.Common.DbException)
            {
                await Console.Error.WriteLineAsync($"piazza-server: cannot open the data folder {options.Data}: {ex.Message}").ConfigureAwait(false);
                return 2;
            }

            // With JSON logs every line of stdout is JSON (collectors read it), so the start-up lines are log lines too.
            var say = StartupLines.For(options.Observability.LogFormat, app.Services.GetRequiredService<ILoggerFactory>());
            var doors = app.Services.GetRequiredService<DoorEndpoints>();
            if (doors.PlainTcpEndPoint is { } endpoint)
            {
                say($"Piazza {ServerInfo.Version} listening on tcp://{endpoint} (native protocol v1)");
            }

            if (doors.TlsEndPoint is { } tls)
            {
                var certificate = app.Services.GetRequiredService<Piazza.Server.Tls.CertificateSource>();
                say($"Piazza {ServerInfo.Version} listening on tls://{tls} (native protocol v1 over TLS)");
                say($"TLS certificate SHA-256 fingerprint: {certificate.Fingerprint}");
            }

            if (doors.HttpEndPoint is { } http)
            {
                say($"Web client on {PageAddress("http", http)}WebSocket at /ws, API at /api)");
            }

            if (doors.HttpsEndPoint is { } https)
            {
                say($"Web client on {PageAddress("https", https)}WebSocket at /ws over wss, API at /api)");
            }

            if (doors.IrcEndPoint is { } irc)
            {
                say($"IRC door on irc://{irc} (docs/irc.md)");
            }

            if (doors.IrcTlsEndPoint is { } ircs)
            {
                say($"IRC door over TLS on ircs://{ircs}");
            }

            // Said plainly, and absolute: a relative --data is resolved against the folder the command was typed in.
            say(options.Cluster.Postgres is null
                ? $"Data folder: {options.Data}{(newDatabase ? " (new: created now)" : "")}"
                : $"Data in PostgreSQL; files in {options.FilesFolder}");
            say(options.Console ?? !Console.IsInputRedirected ? "Operator console ready: type help" : "No terminal on stdin: logging only");
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }
    }

    /// <summary>
    /// An address to open in a browser, and the opening of the note after it: listening on every address (0.0.0.0, ::)
    /// that is localhost (a browser may refuse 0.0.0.0), with where it really listens.
    /// </summary>
    private static string PageAddress(string scheme, System.Net.IPEndPoint endpoint)
        => endpoint.Address.Equals(System.Net.IPAddress.Any) || endpoint.Address.Equals(System.Net.IPAddress.IPv6Any)
            ? $"{scheme}://localhost:{endpoint.Port}/ (listening on {endpoint}; "
            : $"{scheme}://{endpoint}/ (";
}
