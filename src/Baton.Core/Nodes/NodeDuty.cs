using System.Globalization;
using Baton.Core.Dispatch;
using Baton.Core.Events;
using Baton.Core.Storage;
using Baton.Core.Workers;

namespace Baton.Core.Nodes;

/// <summary>
/// What the autopilot does first in each tick when it runs as a node (`baton node`): the
/// heartbeat when due (renewing the node's leases; a lease found gone is reported and its agent
/// ended, as at a restart, where the leases this node lost while it was away are found), then the
/// expiry of every node's overdue leases, whose tickets go back to the queue for any node to take.
/// </summary>
public sealed class NodeDuty
{
    private readonly LeaseKeeper _keeper;
    private readonly ILeaseStore _leases;
    private readonly IStore _store;
    private readonly TimeProvider _time;
    private readonly Func<string, CancellationToken, Task> _endAgent;
    private bool _started;

    /// <param name="endAgent">Ends a live agent by worker name (the worker service's end).</param>
    public NodeDuty(LeaseKeeper keeper, ILeaseStore leases, IStore store, TimeProvider time, Func<string, CancellationToken, Task> endAgent)
    {
        ArgumentNullException.ThrowIfNull(keeper);
        ArgumentNullException.ThrowIfNull(leases);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(endAgent);
        _keeper = keeper;
        _leases = leases;
        _store = store;
        _time = time;
        _endAgent = endAgent;
    }

    public LeaseKeeper Keeper => _keeper;

    /// <summary>Whether a worker counts against this node's capacity: it runs under one of the node's leases.</summary>
    public bool Runs(Worker worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        return _keeper.Runs(worker.Name);
    }

    public async Task StepAsync(TickReport report, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (!_started)
        {
            _keeper.Beat(); // registers the node and adopts the leases it still holds
            _started = true;
            _store.AppendEvent(new EventRecord { Time = _time.GetUtcNow(), Type = EventTypes.NodeStarted, Message = $"node '{_keeper.Node.Name}' started on {_keeper.Node.Host} (pid {_keeper.Node.Pid}, capacity {_keeper.Node.Capacity}, labels {Labels()}); holds {_keeper.Held.Count} lease(s)" });
            // Leases this node lost while it was away (expired, or taken by another node): their agents must stop.
            var held = _keeper.Held.Select(l => l.Worker).ToHashSet(StringComparer.Ordinal);
            foreach (var lost in _leases.Leases(heldOnly: false).Where(l => l.Node == _keeper.Node.Name && l.State == LeaseState.Expired && !held.Contains(l.Worker)))
            {
                await EndLostAsync(lost, report, ct).ConfigureAwait(false);
            }
        }
        else if (_keeper.BeatDue)
        {
            foreach (var lost in _keeper.Beat())
            {
                await EndLostAsync(lost, report, ct).ConfigureAwait(false);
            }
        }

        foreach (var lost in _keeper.TakeRefused())
        {
            await EndLostAsync(lost, report, ct).ConfigureAwait(false);
        }

        foreach (var expired in _keeper.ExpireOverdue())
        {
            report.Add("lease_expired", Tickets.TicketId.Format(expired.Ticket), expired.Worker, $"{Tickets.TicketId.Format(expired.Ticket)}: node '{expired.Node}' let its lease (token {expired.Token}) expire: back to the queue");
        }
    }

    private string Labels() => _keeper.Node.Labels.Count == 0 ? "none" : string.Join(",", _keeper.Node.Labels);

    private async Task EndLostAsync(Lease lost, TickReport report, CancellationToken ct)
    {
        if (_store.GetWorker(lost.Worker) is not { } w || !w.State.IsLive())
        {
            return;
        }

        var id = Tickets.TicketId.Format(lost.Ticket);
        _store.AppendEvent(new EventRecord
        {
            Time = _time.GetUtcNow(),
            Type = EventTypes.LeaseLost,
            Ticket = id,
            Worker = lost.Worker,
            Message = $"{id}: node '{lost.Node}' lost its lease (token {lost.Token.ToString(CultureInfo.InvariantCulture)}): its agent {lost.Worker} is ended",
            Metadata = new Dictionary<string, string> { ["node"] = lost.Node, ["token"] = lost.Token.ToString(CultureInfo.InvariantCulture) },
        });
        report.Add("lease_lost", id, lost.Worker, $"{id}: lease lost, {lost.Worker} ended");
        await _endAgent(lost.Worker, ct).ConfigureAwait(false);
    }
}
