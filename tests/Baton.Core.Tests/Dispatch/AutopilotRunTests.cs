using Baton.Core.Dispatch;
using Baton.Core.Events;
using Baton.Core.Storage;
using Baton.Core.Tests.Fakes;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Baton.Core.Tests.Dispatch;

public sealed class AutopilotRunTests : IDisposable
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(5);
    private readonly TempStore _db = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly FakeLock _lock = new();
    private readonly Loop _loop = new();

    public void Dispose() => _db.Dispose();

    private AutopilotRun Run() => new(_lock, () => _loop, _db.Store, _time, Tick);

    private List<string> Stopped() =>
        _db.Store.RecentEvents(new EventQuery(10, Type: EventTypes.AutopilotStopped)).Select(e => e.Message).ToList();

    [Fact]
    public async Task Until_done_stops_at_the_first_settled_tick_drains_and_records_why()
    {
        _loop.SettledAt = 3;
        using var session = Run().Start();
        var reports = 0;

        var reason = await session.RunAsync(untilDone: true, _ => reports++, CancellationToken.None);

        Assert.Equal("every ticket settled", reason);
        Assert.Equal(3, reports);
        Assert.Equal([Tick, Tick], _loop.Waits);
        Assert.True(_loop.Drained);
        Assert.Equal(["autopilot stopped (every ticket settled)"], Stopped());
    }

    [Fact]
    public async Task A_stop_during_the_wait_ends_the_loop_after_the_tick_and_the_tick_is_never_cancelled()
    {
        using var stop = new CancellationTokenSource();
        _loop.OnWait = stop.Cancel;
        using var session = Run().Start();

        var reason = await session.RunAsync(untilDone: false, _ => { }, stop.Token);

        Assert.Equal("on request", reason);
        Assert.Equal(1, _loop.Ticks);
        Assert.False(_loop.TickToken.CanBeCanceled);
        Assert.Equal(["autopilot stopped (on request)"], Stopped());
    }

    [Fact]
    public void A_second_run_is_refused_while_the_lock_is_held_and_released_after()
    {
        using (Run().Start())
        {
            var e = Assert.Throws<BatonException>(() => Run().Start());
            Assert.Contains("another `baton up` is running on this repository (pid 4242)", e.Message);
        }

        Assert.False(_lock.Held);
        using var again = Run().Start();
        Assert.True(_lock.Held);
    }

    private sealed class Loop : IAutopilotLoop
    {
        public int Ticks { get; private set; }

        public int SettledAt { get; set; } = int.MaxValue;

        public List<TimeSpan> Waits { get; } = [];

        public Action? OnWait { get; set; }

        public bool Drained { get; private set; }

        public CancellationToken TickToken { get; private set; }

        public Task<TickReport> TickAsync(CancellationToken ct)
        {
            TickToken = ct;
            Ticks++;
            return Task.FromResult(new TickReport { AllSettled = Ticks >= SettledAt });
        }

        public Task WaitAsync(TimeSpan tick, CancellationToken ct)
        {
            Waits.Add(tick);
            OnWait?.Invoke();
            ct.ThrowIfCancellationRequested();
            return Task.CompletedTask;
        }

        public Task DrainAsync()
        {
            Drained = true;
            return Task.CompletedTask;
        }
    }
}
