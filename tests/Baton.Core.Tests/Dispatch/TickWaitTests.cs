using Baton.Core.Dispatch;
using Baton.Core.Tests.Fakes;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Baton.Core.Tests.Dispatch;

/// <summary>
/// When the autopilot's next tick is due (issue 21: the loop reacts to an agent's report without
/// waiting for its tick). The clock is fake: every wait that ends here ends without it moving,
/// unless the test moves it.
/// </summary>
public sealed class TickWaitTests
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private static readonly TimeSpan Safety = TimeSpan.FromSeconds(30); // a hang fails the test; it never decides it

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly FakeWake _wake = new();
    private long _storeVersion = 7;

    private TickWait Wait(IAutopilotWake? wake = null, TimeSpan? floor = null) => new(() => _storeVersion, _time, wake, floor ?? TimeSpan.Zero);

    [Fact]
    public async Task A_hook_spooled_during_the_wait_ends_it_at_once()
    {
        var wait = Wait(_wake);
        wait.TickStarted([]);
        var start = _time.GetUtcNow();

        var waiting = wait.WaitAsync(Hour, [], CancellationToken.None);
        Assert.False(waiting.IsCompleted);
        _wake.HookSpooled();

        Assert.Equal(WakeReason.Hook, await waiting.WaitAsync(Safety));
        Assert.Equal(start, _time.GetUtcNow());
    }

    [Fact]
    public async Task Another_process_writing_the_store_during_the_wait_ends_it_at_once()
    {
        var wait = Wait(_wake);
        wait.TickStarted([]);

        var waiting = wait.WaitAsync(Hour, [], CancellationToken.None);
        _storeVersion++; // an agent's `baton ticket done`
        _wake.StoreWritten();

        Assert.Equal(WakeReason.Store, await waiting.WaitAsync(Safety));
    }

    [Fact]
    public async Task The_loops_own_writes_wake_the_watch_but_not_the_loop()
    {
        var wait = Wait(_wake);
        wait.TickStarted([]);

        var waiting = wait.WaitAsync(TimeSpan.FromSeconds(2), [], CancellationToken.None);
        _wake.StoreWritten(); // the store's counter did not move: this connection wrote
        _wake.StoreWritten();
        await Task.Yield();
        Assert.False(waiting.IsCompleted);

        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(WakeReason.Tick, await waiting.WaitAsync(Safety));
    }

    [Fact]
    public async Task A_report_that_arrived_while_the_tick_ran_starts_the_next_tick_without_waiting()
    {
        var wait = Wait(_wake);
        wait.TickStarted([]);
        _storeVersion++; // reported during the tick, after it had listed the tickets

        Assert.Equal(WakeReason.Store, await wait.WaitAsync(Hour, [], CancellationToken.None).WaitAsync(Safety));
    }

    [Fact]
    public async Task A_change_before_the_tick_started_is_the_ticks_own_and_does_not_end_the_next_wait()
    {
        var wait = Wait(_wake);
        _storeVersion++;
        _wake.HookSpooled();
        wait.TickStarted([]); // this tick reads both

        var waiting = wait.WaitAsync(TimeSpan.FromSeconds(2), [], CancellationToken.None);
        Assert.False(waiting.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(WakeReason.Tick, await waiting.WaitAsync(Safety));
    }

    [Fact]
    public async Task Without_a_wake_source_the_store_is_polled()
    {
        var wait = Wait();
        wait.TickStarted([]);

        var waiting = wait.WaitAsync(Hour, [], CancellationToken.None);
        _storeVersion++;
        Assert.False(waiting.IsCompleted);
        _time.Advance(TickWait.StorePoll);

        Assert.Equal(WakeReason.Store, await waiting.WaitAsync(Safety));
        Assert.Equal(TickWait.StorePoll, _time.GetUtcNow() - new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public async Task Background_work_that_ended_during_the_tick_ends_the_wait_at_once()
    {
        var wait = Wait(_wake);
        wait.TickStarted([]);
        var gate = Task.CompletedTask; // a gate without commands: started and finished within the tick

        Assert.Equal(WakeReason.Background, await wait.WaitAsync(Hour, [gate], CancellationToken.None).WaitAsync(Safety));
    }

    [Fact]
    public async Task Background_work_ending_during_the_wait_ends_it()
    {
        var wait = Wait(_wake);
        var spawn = new TaskCompletionSource();
        wait.TickStarted([spawn.Task]);

        var waiting = wait.WaitAsync(Hour, [spawn.Task], CancellationToken.None);
        Assert.False(waiting.IsCompleted);
        spawn.SetResult();

        Assert.Equal(WakeReason.Background, await waiting.WaitAsync(Safety));
    }

    [Fact]
    public async Task Finished_work_a_failing_step_left_uncollected_does_not_make_the_loop_spin()
    {
        var wait = Wait(_wake);
        var stuck = Task.CompletedTask;
        wait.TickStarted([stuck]); // finished before the tick: the tick's step should have collected it

        var waiting = wait.WaitAsync(TimeSpan.FromSeconds(2), [stuck], CancellationToken.None);
        Assert.False(waiting.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal(WakeReason.Tick, await waiting.WaitAsync(Safety));
    }

    [Fact]
    public async Task A_tick_woken_by_a_change_starts_no_sooner_than_the_floor_after_the_last()
    {
        var floor = TimeSpan.FromMilliseconds(10);
        var wait = Wait(_wake, floor);
        wait.TickStarted([]);
        _storeVersion++;

        var waiting = wait.WaitAsync(Hour, [], CancellationToken.None);
        _time.Advance(floor - TimeSpan.FromMilliseconds(1));
        Assert.False(waiting.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal(WakeReason.Store, await waiting.WaitAsync(Safety));
    }

    [Fact]
    public async Task A_wake_whose_commit_is_not_visible_yet_is_looked_at_again_within_milliseconds_not_at_the_next_poll()
    {
        var wait = Wait(_wake);
        wait.TickStarted([]);
        var start = _time.GetUtcNow();

        // The watch fires on the writer's last WAL write; its commit shows in the counter a moment later, with no further event
        var waiting = wait.WaitAsync(Hour, [], CancellationToken.None);
        _wake.StoreWritten();
        await Task.Delay(50); // the wait looks, sees no change yet, and waits again
        Assert.False(waiting.IsCompleted);
        _storeVersion++;
        while (!waiting.IsCompleted && _time.GetUtcNow() - start < TickWait.StorePoll)
        {
            await Task.Delay(1); // lets the wait take in the wake; only the fake clock decides when it looks again
            _time.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.Equal(WakeReason.Store, await waiting.WaitAsync(Safety));
        Assert.True(_time.GetUtcNow() - start < TickWait.StorePoll, $"seen after {(_time.GetUtcNow() - start).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task Cancelling_ends_the_wait()
    {
        var wait = Wait(_wake);
        wait.TickStarted([]);
        using var stop = new CancellationTokenSource();

        var waiting = wait.WaitAsync(Hour, [], stop.Token);
        await stop.CancelAsync();

        Assert.Equal(WakeReason.Cancelled, await waiting.WaitAsync(Safety));
    }
}
