using Baton.Core.Storage;

namespace Baton.Core.Dispatch;

/// <summary>
/// One run of the autopilot in this process (`baton up`): the single-instance lock, then ticks until
/// stopped or, with until-done, until every ticket settled; on the way out the background work is
/// drained and <c>autopilot_stopped</c> recorded. The dashboard can start the loop the same way.
/// </summary>
public sealed class AutopilotRun
{
    private readonly IAutopilotLock _lock;
    private readonly Func<IAutopilotLoop> _loop;
    private readonly IStore _store;
    private readonly TimeProvider _time;
    private readonly TimeSpan _tick;

    public AutopilotRun(IAutopilotLock autopilotLock, Func<IAutopilotLoop> loop, IStore store, TimeProvider time, TimeSpan tick)
    {
        ArgumentNullException.ThrowIfNull(autopilotLock);
        ArgumentNullException.ThrowIfNull(loop);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        _lock = autopilotLock;
        _loop = loop;
        _store = store;
        _time = time;
        _tick = tick;
    }

    /// <summary>Takes the lock (refused while another `baton up` runs) and makes the loop; dispose the session to release it.</summary>
    public AutopilotSession Start()
    {
        var held = _lock.TryAcquire()
            ?? throw new BatonException($"another `baton up` is running on this repository (pid {_lock.Holder()}); `baton down` stops it");
        try
        {
            return new AutopilotSession(held, _loop(), _store, _time, _tick);
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }
}
