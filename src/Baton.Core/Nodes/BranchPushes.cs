using System.Globalization;
using Baton.Core.Dispatch;
using Baton.Core.Events;
using Baton.Core.Git;
using Baton.Core.Storage;
using Baton.Core.Tickets;

namespace Baton.Core.Nodes;

/// <summary>
/// The commit checkpoints of a node's tickets, pushed to the shared remote: every tick, each
/// branch this node works on (its leases, and its tickets in review) whose head is not where the
/// remote was last seen goes in one background push, so the loop never waits on the network. A
/// failed or refused push is reported (push_failed) and tried again with backoff; nothing else
/// stops. A ticket's gate waits until the commit it tests is on the remote (<see cref="Unpushed"/>),
/// so whichever node runs the merge queue finds exactly that commit there. Used on the loop thread.
/// </summary>
public sealed class BranchPushes
{
    private static readonly TimeSpan RetryBase = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan RetryMax = TimeSpan.FromMinutes(2);

    private readonly SharedRemote _remote;
    private readonly ITicketStore _tickets;
    private readonly ILeaseStore _leases;
    private readonly IGitBranches _branches;
    private readonly IStore _store;
    private readonly TimeProvider _time;
    private readonly string _node;
    private readonly Dictionary<string, (int Failures, DateTimeOffset NotBefore)> _waits = new(StringComparer.Ordinal);
    private Task<List<Pushed>>? _running;

    /// <param name="tickets">The node's view of the tickets: in progress and testing are those it holds.</param>
    public BranchPushes(SharedRemote remote, ITicketStore tickets, ILeaseStore leases, IGitBranches branches, IStore store, TimeProvider time, string node)
    {
        ArgumentNullException.ThrowIfNull(remote);
        ArgumentNullException.ThrowIfNull(tickets);
        ArgumentNullException.ThrowIfNull(leases);
        ArgumentNullException.ThrowIfNull(branches);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        _remote = remote;
        _tickets = tickets;
        _leases = leases;
        _branches = branches;
        _store = store;
        _time = time;
        _node = node;
    }

    /// <summary>The pushes under way, if any.</summary>
    public Task? Running => _running;

    /// <summary>Takes in the last pushes' outcomes, then starts the pushes now due.</summary>
    public void Step(TickReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (_running is { } running)
        {
            if (!running.IsCompleted)
            {
                return;
            }

            _running = null;
            foreach (var p in running.Result)
            {
                Record(p, report);
            }
        }

        var due = Due();
        if (due.Count > 0)
        {
            _running = Task.Run(() => due.Select(PushOne).ToList());
        }
    }

    /// <summary>Why the gate must wait for <paramref name="commit"/> of the ticket's branch: it is not on the remote yet; null when it is.</summary>
    public string? Unpushed(Ticket ticket, string commit)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        return ticket.Branch is not { } branch || _remote.Tracking(branch) == commit ? null
            : $"{ticket.Id}: waiting for {branch} at {commit[..Math.Min(12, commit.Length)]} to reach {_remote.Name} before its gate";
    }

    /// <summary>The branches of this node's tickets whose heads the remote has not got, and whose backoff (after a failure) is over.</summary>
    private List<(Ticket Ticket, string Branch, string Commit)> Due()
    {
        var mine = _tickets.ListTickets(new TicketQuery(TicketStatus.InProgress))
            .Concat(_tickets.ListTickets(new TicketQuery(TicketStatus.Testing)))
            .Concat(_tickets.ListTickets(new TicketQuery(TicketStatus.Review)).Where(t => t.Worktree is not null && _remote.Owns(t.Worktree) && _leases.CurrentLease(t.Number)?.Node == _node))
            .Where(t => t.Branch is not null && t.Worktree is not null && _remote.Owns(t.Worktree))
            .ToList();
        if (mine.Count == 0)
        {
            return [];
        }

        var heads = _branches.BranchHeads(_remote.Root);
        var seen = _branches.Refs(_remote.Root, $"refs/remotes/{_remote.Name}/").ToDictionary(r => r.Name, r => r.Commit, StringComparer.Ordinal);
        var now = _time.GetUtcNow();
        var due = new List<(Ticket, string, string)>();
        foreach (var t in mine.DistinctBy(t => t.Branch))
        {
            // A branch still where it started (its target's commit) holds no work yet: nothing to resume from.
            if (heads.TryGetValue(t.Branch!, out var head) && seen.GetValueOrDefault(_remote.TrackingRef(t.Branch!)) != head
                && !(t.Target is { } target && heads.GetValueOrDefault(target) == head)
                && !(_waits.TryGetValue(t.Branch!, out var wait) && wait.NotBefore > now))
            {
                due.Add((t, t.Branch!, head));
            }
        }

        return due;
    }

    /// <summary>In the background: one branch pushed against where this clone last saw it on the remote (a compare-and-swap).</summary>
    private Pushed PushOne((Ticket Ticket, string Branch, string Commit) p)
    {
        try
        {
            return new Pushed(p.Ticket, p.Branch, p.Commit, _remote.PushBranch(p.Branch, p.Commit, _remote.Tracking(p.Branch)), null);
        }
        catch (BatonException e)
        {
            return new Pushed(p.Ticket, p.Branch, p.Commit, false, e.Message);
        }
    }

    private void Record(Pushed p, TickReport report)
    {
        var now = _time.GetUtcNow();
        var at = p.Commit[..Math.Min(12, p.Commit.Length)];
        if (p.Ok)
        {
            _waits.Remove(p.Branch);
            _store.AppendEvent(Dispatcher.Event(p.Ticket, EventTypes.BranchPushed, $"{p.Ticket.Id}: {p.Branch} pushed to {_remote.Name} at {at}", now,
                metadata: new Dictionary<string, string> { ["branch"] = p.Branch, ["commit"] = p.Commit, ["remote"] = _remote.Name }));
            report.Add("branch_pushed", p.Ticket.Id, p.Ticket.Assignee, $"{p.Ticket.Id}: {p.Branch} pushed at {at}");
            return;
        }

        var failures = (_waits.TryGetValue(p.Branch, out var w) ? w.Failures : 0) + 1;
        var next = now + RetryPolicy.Delay(failures, RetryBase, RetryMax);
        _waits[p.Branch] = (failures, next);
        var why = p.Error ?? $"{_remote.Name}/{p.Branch} is not where this clone last saw it (another clone pushed to it)";
        _store.AppendEvent(Dispatcher.Event(p.Ticket, EventTypes.PushFailed,
            $"{p.Ticket.Id}: pushing {p.Branch} at {at} to {_remote.Name} failed (try {failures.ToString(CultureInfo.InvariantCulture)}): {why}; trying again at {next.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture)} UTC", now,
            metadata: new Dictionary<string, string> { ["branch"] = p.Branch, ["commit"] = p.Commit, ["remote"] = _remote.Name, ["tries"] = failures.ToString(CultureInfo.InvariantCulture) }));
        report.Add("push_failed", p.Ticket.Id, p.Ticket.Assignee, $"{p.Ticket.Id}: push of {p.Branch} failed (try {failures.ToString(CultureInfo.InvariantCulture)}): {why}");
    }

    private sealed record Pushed(Ticket Ticket, string Branch, string Commit, bool Ok, string? Error);
}
