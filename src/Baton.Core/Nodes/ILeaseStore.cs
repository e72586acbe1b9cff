namespace Baton.Core.Nodes;

/// <summary>
/// Nodes and the leases they hold on tickets. A lease is taken with the claim itself (a
/// <see cref="LeaseClaim"/> on the claim's ticket mutation) and checked by every write that
/// carries its fencing token (<see cref="Storage.TicketMutation.Fence"/>).
/// </summary>
public interface ILeaseStore
{
    /// <summary>The ticket's newest lease (highest token), whatever its state; null when it never had one.</summary>
    Lease? CurrentLease(long ticket);

    /// <summary>Every lease, newest first; <paramref name="heldOnly"/>: only those held.</summary>
    IReadOnlyList<Lease> Leases(bool heldOnly);

    /// <summary>
    /// The node's heartbeat, in one transaction: its row written (registered on the first beat),
    /// its held leases renewed to <paramref name="now"/> + its lease_ttl. Returns the leases it
    /// still holds: one it thought it held and is not among them was lost.
    /// </summary>
    IReadOnlyList<Lease> Heartbeat(NodeInfo node, DateTimeOffset now);

    /// <summary>
    /// Expires every held lease not renewed in time, and in the same transaction re-queues each
    /// one's ticket still in progress or testing under that lease's worker (unassigned, with a
    /// lease_expired event); any node may call it, a lease expires once. Returns those expired.
    /// </summary>
    IReadOnlyList<Lease> ExpireLeases(DateTimeOffset now);

    /// <summary>A node that stops cleanly says so; its held leases stay until released or expired.</summary>
    void NodeStopped(string node, DateTimeOffset now);

    IReadOnlyList<NodeInfo> Nodes();

    /// <summary>Removes the rows of nodes that are stopped or lost at <paramref name="now"/> and hold no lease; returns their names.</summary>
    IReadOnlyList<string> PruneNodes(DateTimeOffset now);

    /// <summary>
    /// Takes (or keeps) the one right to run the merge queue for this connection's life: a
    /// session advisory lock on PostgreSQL, released by the server when the node's connection
    /// ends, so another node takes over; true on SQLite, where the autopilot lock already allows
    /// one loop per repository.
    /// </summary>
    bool TryHoldMergeQueue();
}
