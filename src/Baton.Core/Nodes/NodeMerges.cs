using Baton.Core.Merge;
using Baton.Core.Storage;

namespace Baton.Core.Nodes;

/// <summary>
/// The merge store as one node sees it: the open merge requests are listed only while this node
/// holds the fleet's merge queue (one node at a time; when it dies its lock goes and another node
/// takes the queue on its next tick), and never one whose ticket has a lease newer than the work
/// that queued it (a held or expired lease: the ticket was claimed again), so stale work is not merged.
/// </summary>
public sealed class NodeMerges : IMergeStore
{
    private readonly IMergeStore _inner;
    private readonly ILeaseStore _leases;

    public NodeMerges(IMergeStore inner, ILeaseStore leases)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(leases);
        _inner = inner;
        _leases = leases;
    }

    public IReadOnlyList<MergeRequest> MergeRequests(bool openOnly)
    {
        var all = _inner.MergeRequests(openOnly);
        if (!openOnly)
        {
            return all;
        }

        if (!_leases.TryHoldMergeQueue())
        {
            return [];
        }

        return all.Where(m => m.Ticket is not { } t || _leases.CurrentLease(t) is null or { State: LeaseState.Released }).ToList();
    }

    public GateRun AddGateRun(GateRun run) => _inner.AddGateRun(run);

    public void FinishGateRun(GateRun run) => _inner.FinishGateRun(run);

    public int AbandonRunningGateRuns(DateTimeOffset now) => _inner.AbandonRunningGateRuns(now);

    public IReadOnlyList<GateRun> GateRuns(long? ticket, int limit) => _inner.GateRuns(ticket, limit);

    public void SaveMergeRequest(MergeRequest request, Events.EventRecord recorded) => _inner.SaveMergeRequest(request, recorded);
}
