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
/// When the store is lost mid-run (<see cref="StoreLost"/>) the node stops ticking, so it dispatches
/// nothing and its agents run on, and reconnects with a backoff (<see cref="ReachableAsync"/>).
/// </summary>
public sealed class NodeDuty
{
    private readonly LeaseKeeper _keeper;
    private readonly ILeaseStore _leases;
    private readonly IStore _store;
    private readonly TimeProvider _time;
    private readonly Func<string, CancellationToken, Task> _endAgent;
    private readonly StoreOutage _outage;
    private bool _started;

    // Whether the outage under way is a busy store (the connection kept) rather than a lost one.
    private bool _busy;

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
        _outage = new StoreOutage(time);
    }

    public LeaseKeeper Keeper => _keeper;

    /// <summary>The loop's connection, opened again after the store was lost; null (SQLite): the store is never lost.</summary>
    public IStoreLink? Link { get; init; }

    /// <summary>The beat on a timer of its own, started after the node's first beat; null: the loop beats at the start of a tick.</summary>
    public HeartbeatPump? Pump { get; init; }

    /// <summary>Tickets in testing that no node holds (sent back by the merge queue), taken for their gate; null: none are.</summary>
    public GateLeases? Gates { get; init; }

    /// <summary>
    /// Whether this node holds the fleet's merge queue, taking it when it is free (one node at a
    /// time; another takes it over when that node's connection goes). The node that merges is also
    /// the one that talks to GitHub, so no two nodes open a pull request for one ticket, import one
    /// issue twice or poll GitHub side by side.
    /// </summary>
    public bool HoldsQueue() => _leases.TryHoldMergeQueue();

    /// <summary>Whether the node is away from its store (it found it gone and has not reconnected yet).</summary>
    public bool Away => _outage.Away;

    /// <summary>Whether a worker counts against this node's capacity: it runs under one of the node's leases.</summary>
    public bool Runs(Worker worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        return _keeper.Runs(worker.Name);
    }

    /// <summary>
    /// What other nodes run under their held leases, from <paramref name="workers"/> (the store's
    /// rows): their live workers, so a usage limit (one account's) seen on one node holds the
    /// profile on all; and their live agents by profile, for the profile limits that are the
    /// fleet's (max_instances, max_tasks). A lease whose worker has no row yet (a claim another
    /// node made a moment ago, its agent not started) counts under "": it may be of any profile,
    /// so it counts against every limited one until its row says which. A dead node's workers stop
    /// counting once its leases expire.
    /// </summary>
    public (IReadOnlyList<Worker> Live, IReadOnlyDictionary<string, int> ByAgent) Elsewhere(IReadOnlyList<Worker> workers)
    {
        ArgumentNullException.ThrowIfNull(workers);
        var theirs = Theirs();
        if (theirs.Count == 0)
        {
            return ([], new Dictionary<string, int>());
        }

        var rows = workers.ToDictionary(w => w.Name, StringComparer.Ordinal);
        var live = theirs.Select(l => rows.GetValueOrDefault(l.Worker)).OfType<Worker>().Where(w => w.State.IsLive()).ToList();
        var byAgent = live.GroupBy(w => w.Agent, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        if (theirs.Count(l => !rows.ContainsKey(l.Worker)) is > 0 and var unknown)
        {
            byAgent[""] = unknown;
        }

        return (live, byAgent);
    }

    private List<Lease> Theirs() => _leases.Leases(heldOnly: true).Where(l => l.Node != _keeper.Node.Name).ToList();

    public async Task StepAsync(TickReport report, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (!_started)
        {
            _keeper.Beat(); // registers the node and adopts the leases it still holds
            _started = true;
            Pump?.Start();
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

        // After the expiry: a ticket in testing whose lease just expired went back to the queue, not here.
        Gates?.Step(report);
    }

    /// <summary>
    /// After a tick failed with <paramref name="error"/>: whether it failed because the store is
    /// gone (the loop's connection dropped) or busy (its write lock held elsewhere longer than
    /// store.busy_timeout). The node then stops ticking until the store takes its writes again;
    /// the one line of the report says so.
    /// </summary>
    public bool StoreLost(Exception error, TickReport report)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(report);
        var busy = Busy(error);
        if (busy is null && Link is not { Connected: false })
        {
            return false;
        }

        report.StoreAway = true;
        if (_outage.Lost())
        {
            _busy = busy is not null && Link is not { Connected: false };
            report.Add(_busy ? "store_busy" : "store_lost", null, null, _busy
                ? $"the store is busy (its write lock at {busy!.Database} held elsewhere for more than {busy.Waited.TotalSeconds:0.#}s): dispatching stops, agents keep running; trying again every {StoreOutage.FirstTry.TotalSeconds:0}s doubling to {StoreOutage.LongestWait.TotalSeconds:0}s"
                : $"lost the store ({error.GetBaseException().Message}): dispatching stops, agents keep running; reconnecting every {StoreOutage.FirstTry.TotalSeconds:0}s doubling to {StoreOutage.LongestWait.TotalSeconds:0}s");
        }

        return true;
    }

    /// <summary>The store's write lock held elsewhere for too long, when that is the failure (anywhere in the exception's chain); else null.</summary>
    public static StoreBusyException? Busy(Exception? error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is StoreBusyException busy)
            {
                return busy;
            }
        }

        return null;
    }

    /// <summary>
    /// At the start of a tick: true when the store is there to tick on. Away from it, a
    /// reconnection (or, when it was busy, a beat) is tried when the backoff says so; once back,
    /// the node beats (finding the leases it lost meanwhile and ending their agents), records how
    /// long it was away, and ticks.
    /// </summary>
    public async Task<bool> ReachableAsync(TickReport report, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (!_outage.Away)
        {
            return true;
        }

        report.StoreAway = true;
        if (!_outage.TryDue)
        {
            return false;
        }

        List<Lease> lost;
        try
        {
            // A busy store kept the connection: only a lost one is opened again.
            if (!_busy || Link is { Connected: false })
            {
                Link?.Reconnect();
            }

            // The beat is the node's first write: a store still busy fails it, and the wait doubles.
            lost = _keeper.Beat().Concat(_keeper.TakeRefused()).ToList();
        }
        catch (Exception e) when (e is StoreUnreachableException || Busy(e) is not null || (e is not OutOfMemoryException && Link is { Connected: false }))
        {
            _outage.Failed();
            return false;
        }

        report.StoreAway = false;
        var away = _outage.Back();
        var seconds = away.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
        var message = _busy
            ? $"node '{_keeper.Node.Name}' could write to the store again after {seconds}s busy; {lost.Count} lease(s) lost meanwhile"
            : $"node '{_keeper.Node.Name}' reached the store again after {seconds}s away; {lost.Count} lease(s) lost meanwhile";
        _store.AppendEvent(new EventRecord
        {
            Time = _time.GetUtcNow(),
            Type = _busy ? EventTypes.NodeResumed : EventTypes.NodeReconnected,
            Message = message,
            Metadata = new Dictionary<string, string> { ["node"] = _keeper.Node.Name, ["away_ms"] = ((long)away.TotalMilliseconds).ToString(CultureInfo.InvariantCulture), ["leases_lost"] = lost.Count.ToString(CultureInfo.InvariantCulture) },
        });
        report.Add("store_back", null, null, _busy
            ? $"store writable again after {seconds}s busy: {lost.Count} lease(s) lost meanwhile (their agents are ended); dispatching again"
            : $"store reachable again after {seconds}s away: {lost.Count} lease(s) lost meanwhile (their agents are ended); dispatching again");
        _busy = false;
        foreach (var gone in lost)
        {
            await EndLostAsync(gone, report, ct).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>
    /// Waiting tickets that no running node can run: each requires a label (<c>--requires</c>) that
    /// no node running now offers, or no one of them offers all it requires. They are reported as
    /// stuck, so `--until-done` ends instead of waiting for a node that is not there.
    /// </summary>
    public IReadOnlyList<(string Ticket, string Reason)> Unrunnable(IReadOnlyList<Tickets.Ticket> all)
    {
        ArgumentNullException.ThrowIfNull(all);
        var waiting = all.Where(t => t.Status is Tickets.TicketStatus.Open or Tickets.TicketStatus.Queued && LeaseKeeper.Requirements(t).Count > 0).ToList();
        if (waiting.Count == 0)
        {
            return [];
        }

        var now = _time.GetUtcNow();
        var running = _leases.Nodes().Where(n => n.Name != _keeper.Node.Name && n.Status(now) == "running").Append(_keeper.Node).ToList();
        var stuck = new List<(string, string)>();
        foreach (var t in waiting)
        {
            var needs = LeaseKeeper.Requirements(t);
            if (running.Any(n => needs.All(r => n.Labels.Contains(r, StringComparer.Ordinal))))
            {
                continue;
            }

            var nowhere = needs.Where(r => !running.Any(n => n.Labels.Contains(r, StringComparer.Ordinal))).ToList();
            var nodes = string.Join(", ", running.Select(n => $"{n.Name} [{string.Join(",", n.Labels)}]"));
            stuck.Add((t.Id, nowhere.Count > 0
                ? $"it requires {string.Join(", ", nowhere)}, which no running node offers (running: {nodes}): start a node with --labels {string.Join(",", needs)}, or drop it (`baton ticket update {t.Id} --remove-label {string.Join(",", needs.Select(r => LeaseKeeper.RequiresPrefix + r))}`)"
                : $"it requires {string.Join(", ", needs)} together, which no running node offers (running: {nodes}): start a node with --labels {string.Join(",", needs)}"));
        }

        return stuck;
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
