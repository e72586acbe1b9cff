namespace Baton.Core.Dispatch;

/// <summary>
/// When the autopilot's next tick is due: its tick passed, background work it started finished,
/// another process changed the store (an agent's `baton ticket done`, seen through the store's
/// change counter), or an agent's hook was spooled. Changes count from the start of the last
/// tick, so a report that arrives while a tick runs starts the next one as soon as it ends. A wake
/// source (a file-system watch) says when to look again; without one, or when it misses a
/// change, the store is polled every <see cref="StorePoll"/>. A tick woken by a change starts no
/// sooner than <see cref="WakeFloor"/> after the previous one ended, so a stream of writes cannot
/// keep the loop ticking back to back.
/// </summary>
public sealed class TickWait
{
    public static readonly TimeSpan StorePoll = TimeSpan.FromMilliseconds(100);

    public static readonly TimeSpan WakeFloor = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// A file wake that shows no change yet is looked at again after this, then twice as long each
    /// time up to <see cref="StorePoll"/>: the watch fires on the writer's last write to the WAL,
    /// and the commit is visible to the loop (SQLite's wal-index, shared memory that no watch sees)
    /// a moment later; without this the report waited for the next 100 ms poll.
    /// </summary>
    public static readonly TimeSpan WakeRecheck = TimeSpan.FromMilliseconds(2);

    private readonly Func<long> _storeVersion;
    private readonly TimeProvider _time;
    private readonly IAutopilotWake? _wake;
    private readonly TimeSpan _floor;
    private long _version;
    private WakeMark _mark;
    private HashSet<Task> _doneAtStart = [];

    /// <param name="floor">The least time between two ticks when a change ends the wait; <see cref="WakeFloor"/> unless told.</param>
    public TickWait(Func<long> storeVersion, TimeProvider time, IAutopilotWake? wake, TimeSpan? floor = null)
    {
        ArgumentNullException.ThrowIfNull(storeVersion);
        ArgumentNullException.ThrowIfNull(time);
        _storeVersion = storeVersion;
        _time = time;
        _wake = wake;
        _floor = floor ?? WakeFloor;
        _version = storeVersion();
        _mark = wake?.Mark ?? default;
    }

    /// <summary>
    /// Called as a tick starts, with the background work the loop holds: what changes from here on
    /// counts for the next wait. Work already finished here is the tick's to collect; if it is
    /// still held when the tick ends (its step failed), it does not end the wait, so a failing step
    /// cannot make the loop spin.
    /// </summary>
    public void TickStarted(IEnumerable<Task> held)
    {
        ArgumentNullException.ThrowIfNull(held);
        _mark = _wake?.Mark ?? default;
        _version = _storeVersion();
        _doneAtStart = held.Where(t => t.IsCompleted).ToHashSet();
    }

    /// <summary>Waits until the next tick is due (see the class); <paramref name="held"/> is the background work the loop holds now.</summary>
    public async Task<WakeReason> WaitAsync(TimeSpan tick, IEnumerable<Task> held, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(held);
        var start = _time.GetUtcNow();
        var due = start + tick;
        // Work that ended during the tick (a gate without commands can start and end within it)
        // is due for collecting now; the rest ends the wait when it ends.
        var fresh = held.Where(t => !_doneAtStart.Contains(t)).ToList();
        if (fresh.Any(t => t.IsCompleted))
        {
            return WakeReason.Background;
        }

        var any = fresh.Count == 0 ? null : Task.WhenAny(fresh);
        var recheck = TimeSpan.Zero;
        while (!ct.IsCancellationRequested)
        {
            var now = _time.GetUtcNow();
            var seen = _wake?.Mark ?? default; // before looking, so a change in between still wakes the wait below
            if (Changed() is { } reason)
            {
                if (now - start < _floor)
                {
                    await Delay(start + _floor - now, ct).ConfigureAwait(false);
                }

                return ct.IsCancellationRequested ? WakeReason.Cancelled : reason;
            }

            if (now >= due)
            {
                return WakeReason.Tick;
            }

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var step = TimeSpan.FromTicks(Math.Min((due - now).Ticks, (recheck > TimeSpan.Zero ? recheck : StorePoll).Ticks));
            var waits = new List<Task> { Task.Delay(step, _time, stop.Token) };
            if (any is not null)
            {
                waits.Add(any);
            }

            var woken = _wake?.NextAsync(seen, stop.Token);
            if (woken is not null)
            {
                waits.Add(woken);
            }

            var done = await Task.WhenAny(waits).ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false); // the other waits go, with their timer
            if (done == any)
            {
                return WakeReason.Background;
            }

            // Woken: look again at once, and soon after if the change is not visible yet.
            recheck = done == woken ? WakeRecheck : recheck > TimeSpan.Zero && recheck * 2 < StorePoll ? recheck * 2 : TimeSpan.Zero;
        }

        return WakeReason.Cancelled;
    }

    /// <summary>A hook spooled, or another process's write to the store, since the tick started; null: nothing.</summary>
    private WakeReason? Changed()
    {
        if (_wake is not null && _wake.Mark.Hooks != _mark.Hooks)
        {
            return WakeReason.Hook;
        }

        // The wake also fires on the loop's own writes: only the store's counter says another process wrote.
        return _storeVersion() != _version ? WakeReason.Store : null;
    }

    private async Task Delay(TimeSpan by, CancellationToken ct)
    {
        try
        {
            await Task.Delay(by, _time, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the caller reports it.
        }
    }
}
