using System.Diagnostics.Metrics;

namespace Piazza.IntegrationTests.Infrastructure;

/// <summary>
/// Counts the measurements one of Piazza's instruments records while this lives, optionally only those with one tag.
/// The meter is process-wide, so tests running beside add to the count: assert "at least", never "exactly".
/// </summary>
public sealed class MeasurementCount : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _count;

    public MeasurementCount(string instrument, string? tagKey = null, string? tagValue = null)
    {
        _listener.InstrumentPublished = (published, listener) =>
        {
            if (published.Meter.Name == "Piazza" && published.Name == instrument)
            {
                listener.EnableMeasurementEvents(published);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            if (tagKey is null || HasTag(tags, tagKey, tagValue))
            {
                Interlocked.Increment(ref _count);
            }
        });
        _listener.Start();
    }

    public long Count => Interlocked.Read(ref _count);

    public void Dispose() => _listener.Dispose();

    private static bool HasTag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string key, string? value)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == key && Equals(tag.Value, value))
            {
                return true;
            }
        }

        return false;
    }
}
