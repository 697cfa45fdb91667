using System.Diagnostics;
using System.Globalization;
using System.Net;
using Piazza.Bench.Targets;

namespace Piazza.Bench.Scenarios;

/// <summary>
/// Sets up a room of receivers and senders on a target, drives the senders (windowed or paced), measures a
/// window after warm-up, then stops, drains and checks that every member heard every acknowledged message.
/// </summary>
internal static class LoadRun
{
    /// <summary>How long stopping senders may wait for their last acknowledgements, and a drain may stall.</summary>
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(10);

    public static async Task<LoadResult> RunAsync(LoadSettings settings, TextWriter log, CancellationToken cancellationToken)
    {
        var endPoint = new IPEndPoint(IPAddress.Loopback, settings.Port);

        // A fresh suffix per run: names (and the Redis channel) from an earlier run can never collide.
        var runId = RunId.Next();
        IBenchTarget target = settings.Target switch
        {
            "piazza" => new PiazzaTarget(settings.NodePorts.Count > 0 ? [.. settings.NodePorts.Select(p => new IPEndPoint(IPAddress.Loopback, p))] : [endPoint]),
            "redis" => new RedisTarget(endPoint, "bench-" + runId),
            "irc" => new IrcTarget(endPoint, "#bench-" + runId),
            _ => throw new ArgumentException($"unknown target '{settings.Target}'", nameof(settings)),
        };

        var receiverCounters = Enumerable.Range(0, settings.Receivers).Select(_ => new DeliveryCounter(settings.Senders, isReceiver: true)).ToArray();
        var senderCounters = Enumerable.Range(0, settings.Senders).Select(_ => new DeliveryCounter(settings.Senders, isReceiver: false)).ToArray();
        var senders = new Sender[settings.Senders];
        var receivers = new IAsyncDisposable?[settings.Receivers];
        var publishers = new IPublisher?[settings.Senders];
        try
        {
            var setup = Stopwatch.StartNew();
            using (var gate = new SemaphoreSlim(settings.ConnectConcurrency))
            {
                await Task.WhenAll(Enumerable.Range(0, settings.Receivers).Select(async i =>
                {
                    await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                    try
                    {
                        receivers[i] = await target.OpenReceiverAsync($"r{i}-{runId}", receiverCounters[i], cancellationToken).ConfigureAwait(false);
                    }
                    finally
                    {
                        gate.Release();
                    }
                })).ConfigureAwait(false);
            }

            for (var i = 0; i < settings.Senders; i++)
            {
                senders[i] = new Sender(i, settings);
                publishers[i] = await target.OpenPublisherAsync($"s{i}-{runId}", senderCounters[i], senders[i].OnAck, cancellationToken).ConfigureAwait(false);
                if (settings.OwnRooms)
                {
                    if (publishers[i] is not PiazzaConnection piazza || settings.Receivers != 0)
                    {
                        throw new ArgumentException("own rooms need the piazza target and no receivers", nameof(settings));
                    }

                    await piazza.JoinAsync($"own{i}-{runId}", cancellationToken).ConfigureAwait(false);
                }
            }

            await log.WriteLineAsync($"  setup: {settings.Receivers + settings.Senders} members on {target.Name} in {setup.Elapsed.TotalSeconds:0.0} s").ConfigureAwait(false);

            // Let the join announcements (each join is told to every member) drain before loading.
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);

            var frequency = (double)Stopwatch.Frequency;
            var start = Stopwatch.GetTimestamp();
            var measureFrom = start + (long)(settings.Warmup * frequency);
            var measureTo = measureFrom + (long)(settings.Duration * frequency);
            if (settings.Rate > 0)
            {
                // Room for every message of the window plus 50% in case the pacing runs ahead after a stall.
                var capacity = (int)(settings.Rate * settings.Duration * 1.5) + 1024;
                foreach (var counter in receiverCounters)
                {
                    counter.RecordLatency(measureFrom, measureTo, capacity);
                }
            }

            using var stop = new CancellationTokenSource();
            var running = senders.Select((s, i) => s.RunAsync(publishers[i]!, stop.Token)).ToArray();
            var timeline = SampleEverySecondAsync(() => SumDelivered(receiverCounters, senderCounters), stop.Token);

            await Task.Delay(TimeSpan.FromSeconds(settings.Warmup), cancellationToken).ConfigureAwait(false);
            var t0 = Stopwatch.GetTimestamp();
            var delivered0 = SumDelivered(receiverCounters, senderCounters);
            var acked0 = publishers.Sum(p => p!.Acked);

            await Task.Delay(TimeSpan.FromSeconds(settings.Duration), cancellationToken).ConfigureAwait(false);
            var t1 = Stopwatch.GetTimestamp();
            var delivered1 = SumDelivered(receiverCounters, senderCounters);
            var acked1 = publishers.Sum(p => p!.Acked);

            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(running).ConfigureAwait(false);
            var perSecond = await timeline.ConfigureAwait(false);
            await log.WriteLineAsync("  deliveries per second since start, in thousands (warm-up included): "
                + string.Join(' ', perSecond.Select(d => (d / 1000).ToString(CultureInfo.InvariantCulture)))).ConfigureAwait(false);
            var totalSent = senders.Sum(s => s.Sent);
            var members = receiverCounters.Concat(senderCounters).ToArray();

            // Member m hears sender s when they share the room: always, unless every sender has a room of its own.
            bool Hears(int m, int s) => !settings.OwnRooms || m == s;
            var expected = members.Select((_, m) => senders.Where((_, s) => Hears(m, s)).Sum(s => s.Sent)).ToArray();
            await DrainAsync(members, expected, cancellationToken).ConfigureAwait(false);

            var lost = 0L;
            for (var m = 0; m < members.Length; m++)
            {
                for (var s = 0; s < senders.Length; s++)
                {
                    lost += Hears(m, s) ? Math.Max(0, senders[s].Sent - members[m].ReceivedFrom(s)) : 0;
                }
            }

            var latencies = receiverCounters.SelectMany(c => c.Latencies.ToArray()).ToArray();
            Array.Sort(latencies);
            var seconds = (t1 - t0) / frequency;
            return new LoadResult
            {
                MeasuredSeconds = seconds,
                DeliveriesPerSecond = (delivered1 - delivered0) / seconds,
                SentPerSecond = (acked1 - acked0) / seconds,
                TotalSent = totalSent,
                TotalDelivered = SumDelivered(receiverCounters, senderCounters),
                Lost = lost,
                SeqGaps = members.Sum(m => m.SeqGaps),
                Disconnected = members.Count(m => m.Disconnected),
                Rejected = publishers.Sum(p => p!.Rejected),
                Latencies = latencies,
            };
        }
        finally
        {
            foreach (var publisher in publishers)
            {
                if (publisher is not null)
                {
                    await publisher.DisposeAsync().ConfigureAwait(false);
                }
            }

            foreach (var receiver in receivers)
            {
                if (receiver is not null)
                {
                    await receiver.DisposeAsync().ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>Deliveries in each whole second until stopped: shows warm-up and stalls that an average hides.</summary>
    private static async Task<List<long>> SampleEverySecondAsync(Func<long> total, CancellationToken stop)
    {
        var samples = new List<long>();
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        var last = total();
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                var now = total();
                samples.Add(now - last);
                last = now;
            }
        }
        catch (OperationCanceledException)
        {
            // stopped
        }

        return samples;
    }

    private static long SumDelivered(DeliveryCounter[] receivers, DeliveryCounter[] senders)
        => receivers.Sum(c => c.Total) + senders.Sum(c => c.Total);

    /// <summary>Waits until every live member heard all its <paramref name="expected"/> messages, or progress stalls.</summary>
    private static async Task DrainAsync(DeliveryCounter[] members, long[] expected, CancellationToken cancellationToken)
    {
        var last = -1L;
        var stalledSince = Stopwatch.GetTimestamp();
        while (true)
        {
            var pending = members.Select((m, i) => m.Disconnected ? 0 : Math.Max(0, expected[i] - m.Total)).Sum();
            if (pending == 0)
            {
                return;
            }

            if (pending != last)
            {
                last = pending;
                stalledSince = Stopwatch.GetTimestamp();
            }
            else if (Stopwatch.GetElapsedTime(stalledSince) > SettleTimeout)
            {
                return;
            }

            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One sender: either keeps at most W sends un-acknowledged, or paces sends to its share of the rate.</summary>
    private sealed class Sender(int index, LoadSettings settings)
    {
        private readonly SemaphoreSlim _window = new(settings.Window, int.MaxValue);
        private readonly byte[] _text = new byte[Math.Max(settings.MessageBytes, Payload.MaxHeaderBytes)];

        /// <summary>Sends written to the server; valid once <see cref="RunAsync"/> has finished.</summary>
        public long Sent { get; private set; }

        public void OnAck() => _window.Release();

        public async Task RunAsync(IPublisher publisher, CancellationToken stop)
        {
            await Task.Yield();
            try
            {
                if (settings.Rate > 0)
                {
                    await RunPacedAsync(publisher, stop).ConfigureAwait(false);
                }
                else
                {
                    await RunWindowedAsync(publisher, stop).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // time is up
            }

            // Wait for the last acknowledgements so that "sent" means "the server took it".
            var waited = Stopwatch.StartNew();
            while (publisher.Acked < Sent && waited.Elapsed < SettleTimeout)
            {
                await Task.Delay(5, CancellationToken.None).ConfigureAwait(false);
            }

        }

        private async Task RunWindowedAsync(IPublisher publisher, CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                await _window.WaitAsync(stop).ConfigureAwait(false);
                var batch = 1;
                while (batch < settings.Window && _window.Wait(0, CancellationToken.None))
                {
                    batch++;
                }

                for (var i = 0; i < batch; i++)
                {
                    AppendOne(publisher);
                }

                await publisher.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }

        private async Task RunPacedAsync(IPublisher publisher, CancellationToken stop)
        {
            var perSecond = settings.Rate / settings.Senders;
            var start = Stopwatch.GetTimestamp();

            // Stagger the senders across one interval so that their sends do not all land on the same tick.
            var offset = (double)index / settings.Senders;
            while (!stop.IsCancellationRequested)
            {
                var due = (long)((Stopwatch.GetElapsedTime(start).TotalSeconds * perSecond) + offset);
                if (due > Sent)
                {
                    while (Sent < due)
                    {
                        AppendOne(publisher);
                    }

                    await publisher.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                }

                // The timer's ~1 ms resolution bounds pacing; the send time in each text is taken at writing.
                await Task.Delay(1, stop).ConfigureAwait(false);
            }
        }

        private void AppendOne(IPublisher publisher)
        {
            var length = Payload.Format(_text, Stopwatch.GetTimestamp(), index, Sent, settings.MessageBytes);
            publisher.Append(_text.AsSpan(0, length));
            Sent++;
        }
    }
}
