using Microsoft.Extensions.Time.Testing;

namespace Baton.Core.Tests.Fakes;

/// <summary>
/// A fake clock that knows when the code under test waits on it: every timer armed (each
/// <c>Task.Delay</c> on this provider) is counted with its due time. A test moves the clock only
/// once the code is parked on it again, so a continuation that the thread pool runs late (a
/// loaded machine) never sees the clock jump past its bound, and no wait on the real clock decides.
/// </summary>
public sealed class WatchedClock : FakeTimeProvider
{
    private readonly Lock _gate = new();
    private int _armed;
    private DateTimeOffset _due = DateTimeOffset.MaxValue;

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
        var timer = base.CreateTimer(callback, state, dueTime, period);
        lock (_gate)
        {
            _armed++;
            _due = dueTime == Timeout.InfiniteTimeSpan ? DateTimeOffset.MaxValue : GetUtcNow() + dueTime;
        }

        return timer;
    }

    /// <summary>
    /// Runs <paramref name="start"/> and moves the clock from one armed timer to the next until the
    /// task ends or <paramref name="max"/> of fake time has passed. Between moves it waits (at most
    /// 30 s of real time, a bound, not a measure) for the code to arm its next timer or finish.
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

            DateTimeOffset due;
            lock (_gate)
            {
                seen = _armed;
                due = _due;
            }

            var step = due - GetUtcNow();
            Advance(step > TimeSpan.Zero ? (due > until ? until - GetUtcNow() : step) : TimeSpan.Zero);
            await Task.Yield();
        }

        return await task.ConfigureAwait(false);
    }
}
