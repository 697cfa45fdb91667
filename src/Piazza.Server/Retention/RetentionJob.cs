using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Piazza.Core;
using Piazza.Core.Retention;
using Piazza.Core.Storage;
using Piazza.Server.Doors.Files;

namespace Piazza.Server.Retention;

/// <summary>
/// Retention's background job (docs/retention.md): at start and then every <c>--retention-interval</c> on the host's
/// <see cref="TimeProvider"/>, removes what is past retention (<see cref="ChatHub.ApplyRetentionAsync"/>) and reclaims
/// the blobs of files shared nowhere any more. Every node of a cluster runs it: the cuts are idempotent, so two nodes at
/// once remove each message once between them (each logs what it removed), and a blob goes only when no file has its content.
/// </summary>
public sealed partial class RetentionJob(ChatHub hub, IFileStore files, BlobStore blobs, TimeProvider time, ILogger<RetentionJob> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(hub.RetentionInterval, time);
        try
        {
            do
            {
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // host stopping
        }
    }

    /// <summary>One run; a failure (the store down) is logged and the next run tries again.</summary>
    internal async Task<RetentionReport?> RunOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var report = await hub.ApplyRetentionAsync(cancellationToken).ConfigureAwait(false);
            foreach (var cut in report.Cuts)
            {
                foreach (var file in cut.Files)
                {
                    // The record is gone already; the blob goes unless another file has the same content (checked
                    // under the content's lock). A crash before this leaves a blob the start-up sweep removes.
                    await blobs.RemoveIfUnreferencedAsync(file.Sha256, () => files.IsContentReferencedAsync(file.Sha256, cancellationToken), cancellationToken).ConfigureAwait(false);
                }

                Log.Cut(logger, cut.Conversation, cut.Removed, cut.Days, cut.FirstSeq, cut.Files.Count);
            }

            if (report.Cuts.Count > 0)
            {
                Log.Summary(logger, report.Removed, report.Cuts.Count, report.FilesReclaimed, report.Examined);
            }
            else
            {
                Log.NothingToCut(logger, report.Examined);
            }

            return report;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // a failed run must not stop the job: the next one tries again
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.Failed(logger, ex);
            return null;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(180, LogLevel.Information, "Retention removed {Removed} messages of {Conversation} (past its {Days}-day retention; history now begins at seq {FirstSeq}) and reclaimed {Files} files")]
        public static partial void Cut(ILogger logger, string conversation, int removed, int days, long firstSeq, int files);

        [LoggerMessage(181, LogLevel.Information, "Retention run: removed {Removed} messages from {Conversations} conversations and reclaimed {Files} files ({Examined} conversations examined)")]
        public static partial void Summary(ILogger logger, int removed, int conversations, int files, int examined);

        [LoggerMessage(182, LogLevel.Debug, "Retention run: nothing to remove ({Examined} conversations examined)")]
        public static partial void NothingToCut(ILogger logger, int examined);

        [LoggerMessage(183, LogLevel.Error, "Retention run failed; the next run tries again")]
        public static partial void Failed(ILogger logger, Exception exception);
    }
}
