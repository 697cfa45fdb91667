namespace Piazza.Client.Internal;

/// <summary>Reports progress about 200 times per transfer, not per buffer, so a UI is not flooded.</summary>
internal sealed class ProgressReporter(Action<TransferProgress>? progress, long total)
{
    private readonly long _step = Math.Max(total / 200, 64 * 1024);
    private long _last = -1;

    public void Retrying(string why) => progress?.Invoke(new TransferProgress(Math.Max(_last, 0), total) { Retrying = why });

    public void Report(long done, bool force = false)
    {
        if (progress is null || (!force && _last >= 0 && done - _last < _step && done != total))
        {
            return;
        }

        _last = done;
        progress(new TransferProgress(done, total));
    }
}
