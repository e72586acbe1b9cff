using System.Globalization;
using Baton.Core.Dispatch;
using Baton.Core.Events;
using Baton.Core.Storage;
using Baton.Core.Tickets;

namespace Baton.Core.Nodes;

/// <summary>
/// Tickets in testing that no node holds: the merge queue moved the ticket back from review
/// because its branch moved after its gate, and the work's lease was released when it went to
/// review. A node takes such a ticket with a fresh lease (a new fencing token, in the transaction
/// that records it) when its worktree is in this node's clone, and its gate then runs here as any
/// gate of a ticket it holds. The store refuses a second taker while the first one's lease is
/// held, so the gate runs again on exactly one node; and the gate's outcome is fenced by the new
/// token, so a node that lost this lease meanwhile cannot write it.
/// </summary>
public sealed class GateLeases
{
    private readonly NodeTickets _mine;
    private readonly ITicketStore _all;
    private readonly ILeaseStore _leases;
    private readonly LeaseKeeper _keeper;
    private readonly TimeProvider _time;

    /// <param name="mine">This node's view of the tickets: the lease it takes is recorded in its keeper.</param>
    /// <param name="all">Every ticket (the store itself, not a node's view).</param>
    public GateLeases(NodeTickets mine, ITicketStore all, ILeaseStore leases, LeaseKeeper keeper, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(mine);
        ArgumentNullException.ThrowIfNull(all);
        ArgumentNullException.ThrowIfNull(leases);
        ArgumentNullException.ThrowIfNull(keeper);
        ArgumentNullException.ThrowIfNull(time);
        _mine = mine;
        _all = all;
        _leases = leases;
        _keeper = keeper;
        _time = time;
    }

    /// <summary>Whether a recorded worktree is in this node's clone; null: every one is (one repository, `nodes.remote: none`).</summary>
    public Func<string, bool>? LocalWorktree { get; init; }

    /// <summary>Takes every ticket in testing that has no held lease and whose worktree is here; returns how many it took.</summary>
    public int Step(TickReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var taken = 0;
        foreach (var ticket in _all.ListTickets(new TicketQuery(TicketStatus.Testing)))
        {
            if (!Orphaned(ticket) || _keeper.Holds(ticket.Number))
            {
                continue;
            }

            try
            {
                var now = _time.GetUtcNow();
                var next = _mine.Mutate(ticket.Number, t => Orphaned(t)
                    ? new TicketMutation(t with { UpdatedAt = now }, [Dispatcher.Event(t, EventTypes.TicketUpdated, $"{t.Id}: in testing with no node's lease (its branch moved after its gate): node '{_keeper.Node.Name}' takes it to run the gate again", now,
                        metadata: new Dictionary<string, string> { ["node"] = _keeper.Node.Name })]) { Lease = _keeper.ClaimNow() }
                    : new TicketMutation(t, [])); // moved on meanwhile: nothing to take
                if (_keeper.TokenFor(ticket.Number) is { } token)
                {
                    taken++;
                    report.Add("gate_leased", next.Id, next.Assignee, $"{next.Id}: leased (token {token.ToString(CultureInfo.InvariantCulture)}) to run its gate again",
                        new Dictionary<string, string> { ["token"] = token.ToString(CultureInfo.InvariantCulture) });
                }
            }
            catch (LeaseHeldException)
            {
                // Another node took it first: its gate runs there.
            }
        }

        return taken;
    }

    // In testing, with an assignee and a worktree of this clone, and no lease held on it: a
    // released lease (the work went to review) or none at all.
    private bool Orphaned(Ticket t) =>
        t.Status == TicketStatus.Testing && t.Assignee is not null && t.Worktree is { } w && (LocalWorktree?.Invoke(w) ?? true)
        && _leases.CurrentLease(t.Number) is null or { State: LeaseState.Released };
}
