using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Piazza.Core.Storage;
using Piazza.Server.Options;

namespace Piazza.Server.Keep;

/// <summary>
/// What <c>backup</c>, <c>restore</c> and <c>export</c> share: the options as the server would read them (flags,
/// <c>PIAZZA_*</c>, appsettings.json), the store opened as <c>admin</c> opens it, and one line for each
/// failure (exit code 2).
/// </summary>
internal static class KeepHost
{
    /// <summary>The flags these commands read besides their own: where the data and the files' bytes are.</summary>
    public static void ShareFlags(CommandLineFlags flags)
    {
        ArgumentNullException.ThrowIfNull(flags);
        flags["--data"].Recursive = true;
        flags["--postgres"].Recursive = true;
        flags["--files-dir"].Recursive = true;
    }

    /// <summary>The options these flags (and the environment, and appsettings.json) give, without starting anything.</summary>
    public static async Task<PiazzaOptions> OptionsAsync(CommandLineFlags flags, ParseResult parse)
    {
        var app = PiazzaHost.Build(Overrides(flags, parse), logging => logging.ClearProviders());
        await using (app.ConfigureAwait(false))
        {
            return app.Services.GetRequiredService<PiazzaOptions>();
        }
    }

    /// <summary>Opens the store (the data folder's database, or PostgreSQL) and runs <paramref name="action"/> on it.</summary>
    public static async Task<int> WithStoreAsync(CommandLineFlags flags, ParseResult parse, Func<IChatStore, PiazzaOptions, Task<int>> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var app = PiazzaHost.Build(Overrides(flags, parse), logging => logging.ClearProviders());
        await using (app.ConfigureAwait(false))
        {
            var options = app.Services.GetRequiredService<PiazzaOptions>();
            if (options.Cluster.Postgres is null && !DataFolder.HoldsDatabase(options.Data))
            {
                return Fail($"no Piazza database in {Path.GetFullPath(options.Data)}; pass --data FOLDER (the server's data folder) or --postgres");
            }

            var store = app.Services.GetRequiredService<IChatStore>();
            await store.InitializeAsync().ConfigureAwait(false);
            return await action(store, options).ConfigureAwait(false);
        }
    }

    /// <summary>Runs a command, turning the failures a user can cause (a path, a permission, a bad archive) into one line and exit code 2.</summary>
    public static async Task<int> GuardAsync(Func<Task<int>> command)
    {
        ArgumentNullException.ThrowIfNull(command);
        try
        {
            return await command().ConfigureAwait(false);
        }
        catch (KeepException ex)
        {
            return Fail(ex.Message);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or System.Data.Common.DbException
            or Microsoft.Extensions.Options.OptionsValidationException or Storage.Postgres.PostgresUnreachableException)
        {
            return Fail(ex.Message);
        }
    }

    public static int Fail(string message)
    {
        System.Console.Error.WriteLine($"piazza-server: {message}");
        return 2;
    }

    /// <summary>
    /// Writes a file whole or not at all: into a temporary file beside it (owner-only: exports and backups hold private
    /// messages), synced, then renamed over <paramref name="path"/>. A failure removes the temporary file.
    /// </summary>
    public static async Task WriteAtomicallyAsync(string path, Func<Stream, Task> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var target = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(target)!;
        if (!Directory.Exists(folder))
        {
            throw new KeepException($"cannot write {target}: the folder {folder} does not exist");
        }

        var temporary = Path.Combine(folder, $".{Path.GetFileName(target)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var file = DataFolder.CreateFile(temporary);
            await using (file.ConfigureAwait(false))
            {
                await write(file).ConfigureAwait(false);
                await file.FlushAsync().ConfigureAwait(false);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    private static Dictionary<string, string?> Overrides(CommandLineFlags flags, ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(flags);
        var overrides = flags.ToConfiguration(parse);
        overrides["Piazza:Console"] = "false";
        return overrides;
    }
}

/// <summary>A failure of backup, restore or export that one line explains to the user.</summary>
internal sealed class KeepException(string message) : Exception(message);
