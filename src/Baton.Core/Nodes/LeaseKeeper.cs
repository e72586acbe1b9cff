using Baton.Core.Tickets;

namespace Baton.Core.Nodes;

/// <summary>
/// A node's side of its leases: which tickets it holds and under which fencing token, when its
/// heartbeat is due, and which work it can run (a ticket's <c>requires:LABEL</c> labels against
/// the node's labels). Used on the loop's thread only.
/// </summary>
public sealed class LeaseKeeper
{
    public const string RequiresPrefix = "requires:";

    private readonly ILeaseStore _leases;
    private readonly TimeProvider _time;
    private readonly Dictionary<long, Lease> _held = [];

    // Workers this node started (or adopted with a lease): an agent still ending after its ticket
    // left the node (review, done) runs here until it exits, and counts against the capacity.
    private readonly HashSet<string> _workers = new(StringComparer.Ordinal);

    // The token of the last lease this node took on each ticket, kept after the lease was lost:
    // a late write of this node on work that is in progress or testing elsewhere must still
    // carry it, so that the store refuses it. Dropped when the node itself hands the work on.
    private readonly Dictionary<long, long> _fences = [];

    // Leases a refused write found gone, for the node's next step to act on (end the agent).
    private readonly List<Lease> _refused = [];
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

    public IReadOnlyCollection<Lease> Held => _held.Values;

    /// <summary>What a claim made now asks the store for.</summary>
    public LeaseClaim ClaimNow() => new(Node.Name, _time.GetUtcNow(), Node.LeaseTtl);

    public long? TokenFor(long ticket) => _held.TryGetValue(ticket, out var l) ? l.Token : null;

    /// <summary>The token of the last lease this node took on the ticket, held or lost (null once it handed the work on).</summary>
    public long? FenceFor(long ticket) => _fences.TryGetValue(ticket, out var token) ? token : null;

    public bool Holds(long ticket) => _held.ContainsKey(ticket);

    public bool HoldsWorker(string worker) => _held.Values.Any(l => l.Worker == worker);

    /// <summary>Whether the worker is this node's: started under one of its leases, in this run or one it adopted.</summary>
    public bool Runs(string worker) => _workers.Contains(worker) || HoldsWorker(worker);

    /// <summary>After a claim committed: the lease it took (the ticket's newest, held by this node for that worker).</summary>
    public void Claimed(long ticket, string worker)
    {
        if (_leases.CurrentLease(ticket) is { State: LeaseState.Held } lease && lease.Node == Node.Name && lease.Worker == worker)
        {
            _held[ticket] = lease;
            _fences[ticket] = lease.Token;
            _workers.Add(worker);
        }
    }

    /// <summary>The work left this node (released with the write), or a fenced write found the lease gone.</summary>
    public void Forget(long ticket)
    {
        _held.Remove(ticket);
        _fences.Remove(ticket);
    }

    /// <summary>A fenced write was refused: the lease is gone; its agent is ended at the node's next step.</summary>
    public void Refused(long ticket)
    {
        if (_held.Remove(ticket, out var lease))
        {
            _refused.Add(lease);
            _workers.Remove(lease.Worker);
        }
    }

    /// <summary>The leases refused writes found gone since the last call.</summary>
    public IReadOnlyList<Lease> TakeRefused()
    {
        var list = _refused.ToList();
        _refused.Clear();
        return list;
    }

    public bool BeatDue => _nextBeat is not { } due || _time.GetUtcNow() >= due;

    /// <summary>
    /// Renews this node's leases (and registers the node on the first beat). Returns the leases it
    /// held that are gone: expired by another node while this one could not beat, or replaced.
    /// </summary>
    public IReadOnlyList<Lease> Beat()
    {
        var now = _time.GetUtcNow();
        var still = _leases.Heartbeat(Node with { HeartbeatAt = now }, now);
        var lost = _held.Values.Where(l => !still.Any(s => s.Token == l.Token)).ToList();
        _held.Clear();
        foreach (var lease in still)
        {
            _held[lease.Ticket] = lease;
            _fences[lease.Ticket] = lease.Token;
            _workers.Add(lease.Worker);
        }

        foreach (var gone in lost)
        {
            _workers.Remove(gone.Worker);
        }

        _nextBeat = now + Heartbeat;
        return lost;
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
}
