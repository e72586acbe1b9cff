using Microsoft.Extensions.Time.Testing;

namespace Baton.Core.Tests.Fakes;

/// <summary>
/// A fake clock that knows when the code under test waits on it: every timer armed on it (each
/// <c>Task.Delay</c> on this provider) is counted and its due time kept until it fires or is
/// disposed. <see cref="DriveAsync{T}"/> moves the clock only once the code is parked on it again,
/// straight to the next due timer, so a continuation the thread pool runs late (a loaded machine)
/// never sees the clock run past its bound while it was not looking.
/// </summary>
public sealed class WatchedClock : FakeTimeProvider
{
    private readonly Lock _gate = new();
    private readonly HashSet<Entry> _pending = [];
    private int _armed;

    public WatchedClock(DateTimeOffset start)
        : base(start)
    {
    }

    /// <summary>How many timers were armed so far.</summary>
    public int Armed
    {
        get
        {
            lock (_gate)
            {
                return _armed;
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var entry = new Entry(this);
        entry.Arm(dueTime);
        entry.Inner = base.CreateTimer(s =>
        {
            entry.Fired();
            callback(s);
        }, state, dueTime, period);
        lock (_gate)
        {
            _armed++;
        }

        return entry;
    }

    /// <summary>
    /// Runs <paramref name="start"/> and moves the clock from one due timer to the next until the task
    /// ends or <paramref name="max"/> of fake time has passed. Between moves it waits for the code to
    /// arm its next timer or finish: at most 30 s of real time, a bound against a hang, not a measure.
    /// </summary>
    public async Task<T> DriveAsync<T>(Func<Task<T>> start, TimeSpan max)
    {
        ArgumentNullException.ThrowIfNull(start);
        var seen = Armed;
        var task = start();
        var until = GetUtcNow() + max;
        while (!task.IsCompleted && GetUtcNow() < until)
        {
            if (!SpinWait.SpinUntil(() => task.IsCompleted || Armed > seen, TimeSpan.FromSeconds(30)))
            {
                throw new TimeoutException($"the code under test neither finished nor waited on the clock again at {GetUtcNow():O}");
            }

            if (task.IsCompleted)
            {
                break;
            }

            DateTimeOffset next;
            lock (_gate)
            {
                seen = _armed;
                next = _pending.Count == 0 ? until : _pending.Min(e => e.Due);
            }

            var now = GetUtcNow();
            Advance((next < until ? next : until) - now is var step && step > TimeSpan.Zero ? step : TimeSpan.Zero);
            await Task.Yield();
        }

        return await task.ConfigureAwait(false);
    }

    private sealed class Entry(WatchedClock clock) : ITimer
    {
        public ITimer? Inner { get; set; }

        public DateTimeOffset Due { get; private set; }

        public void Arm(TimeSpan due)
        {
            lock (clock._gate)
            {
                if (due == Timeout.InfiniteTimeSpan)
                {
                    clock._pending.Remove(this);
                    return;
                }

                Due = clock.GetUtcNow() + due;
                clock._pending.Add(this);
            }
        }

        public void Fired()
        {
            lock (clock._gate)
            {
                clock._pending.Remove(this);
            }
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            Arm(dueTime);
            return Inner!.Change(dueTime, period);
        }

        public void Dispose()
        {
            Fired();
            Inner!.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Fired();
            return Inner!.DisposeAsync();
        }
    }
}
