using Baton.Core.Events;
using Baton.Core.Storage;

namespace Baton.Core.Dispatch;

/// <summary>A run of the autopilot holding its lock (<see cref="AutopilotRun.Start"/>); disposing releases the lock.</summary>
public sealed class AutopilotSession : IDisposable
{
    private readonly IDisposable _held;
    private readonly IAutopilotLoop _pilot;
    private readonly IStore _store;
    private readonly TimeProvider _time;
    private readonly TimeSpan _tick;

    internal AutopilotSession(IDisposable held, IAutopilotLoop pilot, IStore store, TimeProvider time, TimeSpan tick)
    {
        _held = held;
        _pilot = pilot;
        _store = store;
        _time = time;
        _tick = tick;
    }

    /// <summary>
    /// Ticks until <paramref name="stop"/> is cancelled (it ends the loop after the current tick,
    /// never inside one) or, with <paramref name="untilDone"/>, every ticket settled. Returns why it stopped.
    /// </summary>
    public async Task<string> RunAsync(bool untilDone, Action<TickReport> onTick, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(onTick);
        var reason = "on request";
        try
        {
            while (!stop.IsCancellationRequested)
            {
                // A tick is never cut short: a half-done spawn would leave an agent without its
                // prompt. Stopping waits for the tick to end.
                var report = await _pilot.TickAsync(CancellationToken.None).ConfigureAwait(false);
                onTick(report);
                if (untilDone && report.AllSettled)
                {
                    reason = "every ticket settled";
                    break;
                }

                try
                {
                    await _pilot.WaitAsync(_tick, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        finally
        {
            await _pilot.DrainAsync().ConfigureAwait(false);
            _store.AppendEvent(new EventRecord { Time = _time.GetUtcNow(), Type = EventTypes.AutopilotStopped, Message = $"autopilot stopped ({reason})" });
        }

        return reason;
    }

    public void Dispose() => _held.Dispose();
}
