using Baton.Core.Storage;

namespace Baton.Core.Nodes;

/// <summary>
/// The node's heartbeat on a timer of its own, through a store connection of its own, so a tick
/// that blocks (a slow spawn, a hung command, a long git operation) for longer than lease_ttl
/// keeps its leases: renewal follows the clock, not the loop. Leases a beat finds gone wait for
/// the loop's next step, which ends their agents. A beat that fails (the store lost) is tried
/// again at the next one, on a connection opened again.
/// </summary>
public sealed class HeartbeatPump : IDisposable
{
    private readonly LeaseKeeper _keeper;
    private readonly ILeaseStore _leases;
    private readonly IStoreLink? _link;
    private readonly TimeProvider _time;
    private readonly IDisposable? _owned;
    private readonly Lock _gate = new();
    private ITimer? _timer;
    private int _busy;
    private DateTimeOffset? _failingSince;

    /// <param name="leases">The pump's own view of the leases: not the loop's connection (which is not thread-safe).</param>
    /// <param name="link">Its connection, opened again after a failed beat; null: nothing to reopen.</param>
    /// <param name="owned">Disposed with the pump (its connection).</param>
    public HeartbeatPump(LeaseKeeper keeper, ILeaseStore leases, IStoreLink? link, TimeProvider time, IDisposable? owned = null)
    {
        ArgumentNullException.ThrowIfNull(keeper);
        ArgumentNullException.ThrowIfNull(leases);
        ArgumentNullException.ThrowIfNull(time);
        _keeper = keeper;
        _leases = leases;
        _link = link;
        _time = time;
        _owned = owned;
    }

    /// <summary>Since when beats fail; null while they succeed.</summary>
    public DateTimeOffset? FailingSince
    {
        get
        {
            lock (_gate)
            {
                return _failingSince;
            }
        }
    }

    /// <summary>Beats every heartbeat from now on (the node's first beat is the loop's).</summary>
    public void Start() => _timer ??= _time.CreateTimer(_ => Beat(), null, _keeper.Heartbeat, _keeper.Heartbeat);

    /// <summary>One beat, unless one is still under way (a slow store: the next is skipped, not queued).</summary>
    public void Beat()
    {
        if (Interlocked.Exchange(ref _busy, 1) == 1)
        {
            return;
        }

        try
        {
            if (_link is { Connected: false } link)
            {
                link.Reconnect();
            }

            _keeper.BeatAside(_leases);
            lock (_gate)
            {
                _failingSince = null;
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The store is unreachable or busy: the next beat tries again; the loop reports the loss.
            lock (_gate)
            {
                _failingSince ??= _time.GetUtcNow();
            }
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    public void Dispose()
    {
        _timer?.Dispose();
        // A beat under way finishes before its connection goes (a beat is one short transaction).
        var wait = new SpinWait();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (Volatile.Read(ref _busy) == 1 && waited.Elapsed < TimeSpan.FromSeconds(15))
        {
            wait.SpinOnce();
        }

        _owned?.Dispose();
    }
}
