using Baton.Core.Events;
using Baton.Core.Storage;

namespace Baton.Web;

/// <summary>
/// The one poller behind every open stream: it asks the store whether anything changed (SQLite's
/// data_version, then the newest id) on its own connection, reads new events once, oldest first
/// with no gap (<see cref="IEventFeed.EventsAfter"/>), keeps the latest in memory and wakes the
/// streams. A stream further behind than that memory reads the store directly, so none misses one.
/// </summary>
public sealed class EventHub : IDisposable
{
    private const int Batch = 500;
    private const int Keep = 5000;

    private readonly IStore _feed;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly object _sync = new();
    private readonly List<EventRecord> _recent = [];
    private readonly CancellationTokenSource _stop = new();
    private TaskCompletionSource _changed = NewSignal();
    private long _coveredFrom;
    private long _last;
    private long _counter;
    private Task? _loop;

    /// <param name="feed">A store connection of the hub's own (it is used from the poller and the streams, under a lock).</param>
    public EventHub(IStore feed, TimeProvider time, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(feed);
        _feed = feed;
        _time = time;
        _interval = interval;
        _counter = feed.ChangeCounter();
        _last = _coveredFrom = feed.LastEventId();
    }

    /// <summary>The newest event id the hub has seen.</summary>
    public long LastId
    {
        get
        {
            lock (_sync)
            {
                return _last;
            }
        }
    }

    public void Start() => _loop ??= Task.Run(() => RunAsync(_stop.Token));

    /// <summary>Checks the store once (the poller calls it; a test may too).</summary>
    public void Poll()
    {
        lock (_sync)
        {
            var counter = _feed.ChangeCounter();
            if (counter == _counter)
            {
                return;
            }

            _counter = counter;
            var grew = false;
            while (true)
            {
                var batch = _feed.EventsAfter(_last, Batch);
                if (batch.Count == 0)
                {
                    break;
                }

                _recent.AddRange(batch);
                _last = batch[^1].Id;
                grew = true;
                if (batch.Count < Batch)
                {
                    break;
                }
            }

            if (_recent.Count > Keep)
            {
                var drop = _recent.Count - Keep;
                _coveredFrom = _recent[drop - 1].Id;
                _recent.RemoveRange(0, drop);
            }

            if (grew)
            {
                var woken = _changed;
                _changed = NewSignal();
                woken.TrySetResult();
            }
        }
    }

    /// <summary>Up to <paramref name="limit"/> events after <paramref name="afterId"/>, oldest first, none skipped.</summary>
    public IReadOnlyList<EventRecord> Read(long afterId, int limit)
    {
        lock (_sync)
        {
            if (afterId >= _coveredFrom)
            {
                var result = new List<EventRecord>(Math.Min(limit, 64));
                foreach (var e in _recent)
                {
                    if (e.Id > afterId)
                    {
                        result.Add(e);
                        if (result.Count == limit)
                        {
                            break;
                        }
                    }
                }

                return result;
            }

            // Behind the memory (a long-closed tab, an old Last-Event-ID): straight from the log.
            return _feed.EventsAfter(afterId, limit);
        }
    }

    /// <summary>
    /// Events after <paramref name="afterId"/> from the store itself, as of now (a page of the log:
    /// the memory lags the store by up to one poll).
    /// </summary>
    public IReadOnlyList<EventRecord> ReadStore(long afterId, int limit)
    {
        lock (_sync)
        {
            return _feed.EventsAfter(afterId, limit);
        }
    }

    /// <summary>The latest <paramref name="count"/> events, oldest first (a page's first look).</summary>
    public IReadOnlyList<EventRecord> Latest(int count)
    {
        lock (_sync)
        {
            return _feed.RecentEvents(new EventQuery(count));
        }
    }

    /// <summary>The latest events <paramref name="query"/> matches, oldest first (a filtered list).</summary>
    public IReadOnlyList<EventRecord> Matching(EventQuery query)
    {
        lock (_sync)
        {
            return _feed.RecentEvents(query);
        }
    }

    /// <summary>Completes once the hub has seen an event after <paramref name="afterId"/> (at once if it has).</summary>
    public Task WaitAfterAsync(long afterId, CancellationToken ct)
    {
        lock (_sync)
        {
            return _last > afterId ? Task.CompletedTask : _changed.Task.WaitAsync(ct);
        }
    }

    private async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                Poll();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The store was busy or went away for a moment (or a row did not read): the next
                // poll tries again; ending the loop would silently stop every open stream.
                await Console.Error.WriteLineAsync("baton dashboard: reading events failed: " + e.Message).ConfigureAwait(false);
            }

            try
            {
                await Task.Delay(_interval, _time, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _loop?.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        _stop.Dispose();
    }
}
