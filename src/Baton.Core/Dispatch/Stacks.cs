using Baton.Core.Events;
using Baton.Core.Git;
using Baton.Core.Storage;
using Baton.Core.Tickets;

namespace Baton.Core.Dispatch;

/// <summary>
/// Stacked tickets (<c>stack_dependents</c>): a ticket started on its unmerged parent's branch
/// waits in the merge queue until the parent landed, and is then rebased onto the target in its
/// own worktree (a plain <c>git rebase TARGET</c>: the parent's commits are in the target by then,
/// so only the ticket's own commits are replayed). A conflict goes back to its agent. Runs at the
/// safe points only: before the ticket's gate, and while it waits in the merge queue (its agent
/// has left); never under a working agent.
/// </summary>
public sealed class Stacks
{
    private readonly TimeProvider _time;
    private readonly ITicketStore _tickets;
    private readonly IGitMerging _merging;
    private readonly TicketLifecycle _life;

    public Stacks(TimeProvider time, ITicketStore tickets, IGitMerging merging, TicketLifecycle life)
    {
        _time = time;
        _tickets = tickets;
        _merging = merging;
        _life = life;
    }

    /// <summary>
    /// Whether a worktree is in this clone (a node's: the merge queue's node may not be the one
    /// the stacked ticket ran on); null: every one is.
    /// </summary>
    public Func<string, bool>? LocalWorktree { get; init; }

    /// <summary>Brings the local target up to the shared remote's before a rebase onto it (a node's clone; the parent may have landed from another node); null: nothing.</summary>
    public Action<string>? SyncTarget { get; init; }

    public enum Step
    {
        /// <summary>Not stacked (any more): go on as usual.</summary>
        None,

        /// <summary>Its parent has not landed yet: it must not merge before it.</summary>
        Waiting,

        /// <summary>Rebased onto the target now: its branch moved.</summary>
        Rebased,

        /// <summary>The rebase conflicted: sent back to an agent.</summary>
        SentBack,
    }

    public async Task<Step> RestackAsync(Ticket ticket, TickReport report, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(report);
        if (ticket.StackedOn is not { } number)
        {
            return Step.None;
        }

        var parent = _tickets.GetTicket(number);
        var now = _time.GetUtcNow();
        if (parent is { Status: not TicketStatus.Done } && !parent.Status.IsFinished())
        {
            return Step.Waiting;
        }

        if (parent is not { Status: TicketStatus.Done })
        {
            // Its parent failed or was cancelled: the parent's commits are still on this branch. A
            // person decides; the ticket goes on as an ordinary branch.
            Unstack(ticket, EventTypes.Notification, $"{ticket.Id} was stacked on {TicketId.Format(number)}, which ended {parent?.Status.ToText() ?? "deleted"}: its branch {ticket.Branch} still carries that work (rebase it with `git rebase --onto {ticket.Target} {parent?.Branch ?? "PARENT"}` if it should not land)", now);
            report.Add("stack_parent_failed", ticket.Id, ticket.Assignee, $"{ticket.Id}: its stack parent {TicketId.Format(number)} did not land");
            return Step.None;
        }

        if (LocalWorktree?.Invoke(ticket.Worktree!) == false)
        {
            // Its worktree is in another node's clone: no rebase from here. The parent's commits
            // are in the target already, so the branch merges as it is (the gate runs on the result).
            Unstack(ticket, EventTypes.TaskRestacked, $"{ticket.Id}: {parent.Id} merged; {ticket.Branch} lands on {ticket.Target} as it is (its worktree is in another node's clone)", now);
            return Step.None;
        }

        SyncTarget?.Invoke(ticket.Target!);
        var attempt = _merging.Rebase(ticket.Worktree!, ticket.Target!);
        if (attempt.Merged)
        {
            Unstack(ticket, EventTypes.TaskRestacked, $"{ticket.Id}: {ticket.Branch} rebased onto {ticket.Target} after {parent.Id} merged (now {attempt.Commit![..12]})", now);
            report.Add("rebased", ticket.Id, ticket.Assignee, $"{ticket.Id}: rebased onto {ticket.Target} after {parent.Id} merged");
            return Step.Rebased;
        }

        var unstacked = Unstack(ticket, EventTypes.MergeFailed, $"{ticket.Id}: rebasing {ticket.Branch} onto {ticket.Target} after {parent.Id} merged conflicts in {string.Join(", ", attempt.ConflictFiles)}", now);
        await _life.SendBackAsync(unstacked, $"{parent.Id}, which your branch was stacked on, merged into {ticket.Target}; rebasing your branch onto it conflicts in {string.Join(", ", attempt.ConflictFiles)}",
            $"Run `git rebase {ticket.Target}` in your worktree, resolve the conflicts, `git rebase --continue`, then report done again.", ct).ConfigureAwait(false);
        report.Add("rebase_conflict", ticket.Id, ticket.Assignee, $"{ticket.Id}: rebase onto {ticket.Target} conflicts: back to an agent");
        return Step.SentBack;
    }

    private Ticket Unstack(Ticket ticket, string type, string message, DateTimeOffset now) =>
        _tickets.Mutate(ticket.Number, t => new TicketMutation(t with { StackedOn = null, UpdatedAt = now }, [Dispatcher.Event(t, type, message, now)]));
}
