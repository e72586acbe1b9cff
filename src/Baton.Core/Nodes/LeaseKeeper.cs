using Baton.Core.Tickets;

namespace Baton.Core.Nodes;

/// <summary>
/// A node's side of its leases: which tickets it holds and under which fencing token, when its
/// heartbeat is due, and which work it can run (a ticket's <c>requires:LABEL</c> labels against
/// the node's labels). Thread-safe: the loop, its background work (each on a store connection of
/// its own) and the <see cref="HeartbeatPump"/> use it at once. No lock is held across a store
/// call: a write transaction asks the keeper for its fence while it holds the store's write lock,
/// so a beat waiting for that lock under the keeper's would deadlock.
/// </summary>
public sealed class LeaseKeeper
{
    public const string RequiresPrefix = "requires:";

    private readonly ILeaseStore _leases;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Dictionary<long, Lease> _held = [];

    // Workers this node started (or adopted with a lease): an agent still ending after its ticket
    // left the node (review, done) runs here until it exits, and counts against the capacity.
    private readonly HashSet<string> _workers = new(StringComparer.Ordinal);

    // The token of the last lease this node took on each ticket, kept after the lease was lost:
    // a late write of this node on work that is in progress or testing elsewhere must still
    // carry it, so that the store refuses it. Dropped when the node itself hands the work on.
    private readonly Dictionary<long, long> _fences = [];

    // Leases a refused write or a beat found gone, for the node's next step to act on (end the agent).
    private readonly List<Lease> _refused = [];

    // When each ticket's lease was last changed by the loop (claimed, handed on, refused), counted
    // in _changes: a beat whose store call overlapped such a change leaves that ticket as the loop set it.
    private readonly Dictionary<long, long> _touched = [];
    private long _changes;
    private int _beats;
    private DateTimeOffset? _nextBeat;

    public LeaseKeeper(ILeaseStore leases, TimeProvider time, NodeInfo node, TimeSpan heartbeat)
    {
        ArgumentNullException.ThrowIfNull(leases);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(node);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(heartbeat, node.LeaseTtl);
        _leases = leases;
        _time = time;
        Node = node;
        Heartbeat = heartbeat;
    }

    public NodeInfo Node { get; }

    public TimeSpan Heartbeat { get; }

    public IReadOnlyCollection<Lease> Held
    {
        get
        {
            lock (_gate)
            {
                return _held.Values.ToList();
            }
        }
    }

    /// <summary>When the last beat succeeded (null before the first).</summary>
    public DateTimeOffset? LastBeat { get; private set; }

    /// <summary>What a claim made now asks the store for.</summary>
    public LeaseClaim ClaimNow() => new(Node.Name, _time.GetUtcNow(), Node.LeaseTtl);

    public long? TokenFor(long ticket)
    {
        lock (_gate)
        {
            return _held.TryGetValue(ticket, out var l) ? l.Token : null;
        }
    }

    /// <summary>The token of the last lease this node took on the ticket, held or lost (null once it handed the work on).</summary>
    public long? FenceFor(long ticket)
    {
        lock (_gate)
        {
            return _fences.TryGetValue(ticket, out var token) ? token : null;
        }
    }

    public bool Holds(long ticket)
    {
        lock (_gate)
        {
            return _held.ContainsKey(ticket);
        }
    }

    public bool HoldsWorker(string worker)
    {
        lock (_gate)
        {
            return _held.Values.Any(l => l.Worker == worker);
        }
    }

    /// <summary>Whether the worker is this node's: started under one of its leases, in this run or one it adopted.</summary>
    public bool Runs(string worker)
    {
        lock (_gate)
        {
            return _workers.Contains(worker) || _held.Values.Any(l => l.Worker == worker);
        }
    }

    /// <summary>After a claim committed: the lease it took (the ticket's newest, held by this node for that worker).</summary>
    public void Claimed(long ticket, string worker)
    {
        if (_leases.CurrentLease(ticket) is { State: LeaseState.Held } lease && lease.Node == Node.Name && lease.Worker == worker)
        {
            lock (_gate)
            {
                _held[ticket] = lease;
                _fences[ticket] = lease.Token;
                _workers.Add(worker);
                Touch(ticket);
            }
        }
    }

    /// <summary>The work left this node (released with the write), or a fenced write found the lease gone.</summary>
    public void Forget(long ticket)
    {
        lock (_gate)
        {
            _held.Remove(ticket);
            _fences.Remove(ticket);
            Touch(ticket);
        }
    }

    /// <summary>A fenced write was refused: the lease is gone; its agent is ended at the node's next step.</summary>
    public void Refused(long ticket)
    {
        lock (_gate)
        {
            if (_held.Remove(ticket, out var lease))
            {
                _refused.Add(lease);
                _workers.Remove(lease.Worker);
            }

            Touch(ticket);
        }
    }

    /// <summary>The leases refused writes (or beats of the <see cref="HeartbeatPump"/>) found gone since the last call.</summary>
    public IReadOnlyList<Lease> TakeRefused()
    {
        lock (_gate)
        {
            var list = _refused.ToList();
            _refused.Clear();
            return list;
        }
    }

    public bool BeatDue
    {
        get
        {
            lock (_gate)
            {
                return _nextBeat is not { } due || _time.GetUtcNow() >= due;
            }
        }
    }

    /// <summary>
    /// Renews this node's leases (and registers the node on the first beat), through
    /// <paramref name="on"/> when given (the pump's own connection), else the loop's. Returns the
    /// leases it held that are gone: expired by another node while this one could not beat, or replaced.
    /// </summary>
    public IReadOnlyList<Lease> Beat(ILeaseStore? on = null)
    {
        var now = _time.GetUtcNow();
        long since;
        lock (_gate)
        {
            since = _changes;
            _beats++;
        }

        IReadOnlyList<Lease> still;
        try
        {
            still = (on ?? _leases).Heartbeat(Node with { HeartbeatAt = now }, now);
        }
        catch
        {
            lock (_gate)
            {
                EndBeat();
            }

            throw;
        }

        lock (_gate)
        {
            var lost = new List<Lease>();
            foreach (var (ticket, lease) in _held.ToList())
            {
                if (!Overlapped(ticket, since) && !still.Any(s => s.Token == lease.Token))
                {
                    _held.Remove(ticket);
                    _workers.Remove(lease.Worker);
                    lost.Add(lease);
                }
            }

            foreach (var lease in still.Where(l => !Overlapped(l.Ticket, since)))
            {
                _held[lease.Ticket] = lease;
                _fences[lease.Ticket] = lease.Token;
                _workers.Add(lease.Worker);
            }

            _nextBeat = now + Heartbeat;
            LastBeat = now;
            EndBeat();
            return lost;
        }
    }

    /// <summary>A beat on another thread: the leases it found gone wait for the loop's next step (<see cref="TakeRefused"/>).</summary>
    public void BeatAside(ILeaseStore on)
    {
        ArgumentNullException.ThrowIfNull(on);
        var lost = Beat(on);
        lock (_gate)
        {
            _refused.AddRange(lost);
        }
    }

    /// <summary>Every node's leases that were not renewed in time expire and their tickets go back to the queue.</summary>
    public IReadOnlyList<Lease> ExpireOverdue() => _leases.ExpireLeases(_time.GetUtcNow());

    /// <summary>The labels a ticket requires of the node that runs it (<c>--requires gpu</c> is the label <c>requires:gpu</c>).</summary>
    public static IReadOnlyList<string> Requirements(Ticket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        return ticket.Labels.Where(l => l.StartsWith(RequiresPrefix, StringComparison.Ordinal)).Select(l => l[RequiresPrefix.Length..]).ToList();
    }

    /// <summary>Whether this node has every label the ticket requires.</summary>
    public bool CanRun(Ticket ticket) => Requirements(ticket).All(r => Node.Labels.Contains(r, StringComparer.Ordinal));

    private void Touch(long ticket) => _touched[ticket] = ++_changes;

    // With no beat under way no overlap is left to tell: the marks go, so they never pile up.
    private void EndBeat()
    {
        if (--_beats == 0)
        {
            _touched.Clear();
        }
    }

    private bool Overlapped(long ticket, long since) => _touched.TryGetValue(ticket, out var at) && at > since;
}
