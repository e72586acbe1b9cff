using System.Globalization;
using Baton.Core.Events;
using Baton.Core.Merge;
using Baton.Core.Config;
using Baton.Core.Storage;
using Baton.Core.Tickets;
using Baton.Core.Workers;

namespace Baton.Core.Dispatch;

/// <summary>
/// The moves the autopilot makes on a ticket once it has started: to the gate, back to its agent,
/// to a retry with backoff, a restart, a stop; and the clean-up of its worker and worktree. Each
/// move is one ticket transaction with its events; a worktree is only removed after its changes
/// are safe (committed, or saved as a snapshot commit under refs/baton/wip/).
/// </summary>
public sealed class TicketLifecycle
{
    private readonly AutopilotConfig _config;
    private readonly TimeProvider _time;
    private readonly ITicketStore _tickets;
    private readonly IStore _store;
    private readonly IWorkerControl _workers;
    private readonly ITicketResults _results;
    private readonly TicketWorktrees _worktrees;
    private readonly IRespawner _respawner;

    /// <param name="respawner">Starts an agent for a ticket claimed again (restart, or a gate failure with nobody to tell).</param>
    public TicketLifecycle(AutopilotConfig config, TimeProvider time, ITicketStore tickets, IStore store, IWorkerControl workers, ITicketResults results, TicketWorktrees worktrees, IRespawner respawner)
    {
        _config = config;
        _time = time;
        _tickets = tickets;
        _store = store;
        _workers = workers;
        _results = results;
        _worktrees = worktrees;
        _respawner = respawner;
    }

    /// <summary>
    /// Ends an agent off the caller's thread: the ticket, the worker, and whether the ticket's
    /// worktree is snapshotted once the agent has gone (a stop). The autopilot sets it, so its
    /// tick never waits for an agent's exit (up to the profile's exit_timeout each). Null: the
    /// end is awaited here.
    /// </summary>
    public Action<Ticket, string, bool>? EndLater { get; init; }

    /// <summary>
    /// Whether a finished ticket's live agent stays (its role's <c>exit_when_done: false</c>): then
    /// the clean-up neither ends it nor removes the worktree it sits in. Null: every agent is ended.
    /// </summary>
    public Func<Worker, Ticket, bool>? Keeps { get; init; }

    /// <summary>
    /// Ends a ticket's agent (if it names one) and then discards its worktree (<see cref="TicketWorktrees.Discard"/>)
    /// off the caller's thread; a new attempt of the ticket waits for it. Null: done here.
    /// </summary>
    public Action<Ticket, string>? DiscardLater { get; init; }

    /// <summary>How long the end of a finished ticket's agent waits for its turn to end before typing the exit command.</summary>
    public static readonly TimeSpan TurnWait = TimeSpan.FromSeconds(30);

    public void ToGate(Ticket ticket, string why)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var now = _time.GetUtcNow();
        Move(ticket, t =>
        {
            var next = t with { Status = TicketStatus.Testing, UpdatedAt = now };
            return new TicketMutation(next, [Dispatcher.Event(next, EventTypes.TaskReportedDone, $"{t.Id} ready for the gate: {why}", now)]);
        });
    }

    /// <summary>A crashed, lost or unstartable agent: the ticket waits min(base x 2^(n-1), max) and goes again on the same branch, or fails after the last attempt.</summary>
    public void Retry(Ticket ticket, string why)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var now = _time.GetUtcNow();
        var cfg = _config;
        if (ticket.Attempts > cfg.RetryAttempts)
        {
            Fail(ticket, $"{why}; no retries left ({ticket.Attempts} attempts, autopilot.retry_attempts: {cfg.RetryAttempts})");
            return;
        }

        var delay = RetryPolicy.Delay(ticket.Attempts, cfg.RetryBase, cfg.RetryMax);
        Move(ticket, t =>
        {
            var next = t with { Status = TicketStatus.Queued, Assignee = null, RetryAt = now + delay, UpdatedAt = now, Nudges = 0, NudgedAt = null };
            return new TicketMutation(next,
            [
                Dispatcher.Event(t, EventTypes.TaskRetryScheduled, $"{t.Id}: {why}; attempt {t.Attempts + 1} of {cfg.RetryAttempts + 1} in {delay.TotalSeconds:0.#}s on {t.Branch}", now, t.Assignee,
                    new Dictionary<string, string> { ["delay_seconds"] = delay.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture), ["attempt"] = (t.Attempts + 1).ToString(CultureInfo.InvariantCulture) }),
            ]);
        });
    }

    /// <summary>Ends the agent and starts a fresh one on the same worktree (no delay), or fails the ticket when its attempts are spent.</summary>
    public async Task RestartAsync(Ticket ticket, Worker worker, string why, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(worker);
        if (EndLater is { } later)
        {
            later(ticket, worker.Name, false); // the fresh agent's start waits for this end
        }
        else
        {
            await EndWorkerAsync(worker.Name, ct).ConfigureAwait(false);
        }

        if (ticket.Attempts > _config.RetryAttempts)
        {
            Fail(ticket, $"{why}; no retries left ({ticket.Attempts} attempts)");
            return;
        }

        var now = _time.GetUtcNow();
        _store.AppendEvent(Dispatcher.Event(ticket, EventTypes.WorkerRestarted, $"{worker.Name} restarted for {ticket.Id}: {why}", now, worker.Name));
        await Requeue(ticket, $"restart: {why}", ct, $"The previous agent on {ticket.Id} was restarted: {why}.").ConfigureAwait(false);
    }

    /// <summary>Stops the ticket for good (time limit, stall policy): the agent is ended, its work saved, the ticket failed.</summary>
    public async Task StopAsync(Ticket ticket, string why, string eventType, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        if (ticket.Assignee is not null && EndLater is { } later)
        {
            later(ticket, ticket.Assignee, true); // snapshotted once the agent has gone
            Fail(ticket, why, eventType);
            return;
        }

        if (ticket.Assignee is not null)
        {
            await EndWorkerAsync(ticket.Assignee, ct).ConfigureAwait(false);
        }

        _worktrees.Snapshot(ticket, "stopped");
        Fail(ticket, why, eventType);
    }

    /// <summary>
    /// stack_dependents: the ticket was started on <paramref name="parent"/>'s tested branch, and
    /// the parent failed or was cancelled, so its branch carries work that will not land. It is
    /// stopped (agent ended, uncommitted work saved, worktree removed; the branch is kept) and
    /// requeued from scratch: it starts again on a fresh branch from its target once its
    /// dependency is done, like any dependent. A merge request it had waits no longer.
    /// </summary>
    public async Task UnstackAsync(Ticket ticket, Ticket parent, MergeRequest? open, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(parent);
        var now = _time.GetUtcNow();
        var why = $"{parent.Id}, which it was stacked on, {(parent.Status == TicketStatus.Cancelled ? "was cancelled" : "failed")}";
        var back = Move(ticket, t => new TicketMutation(
            t with { Status = TicketStatus.Queued, Assignee = null, StackedOn = null, Branch = null, Worktree = null, RetryAt = null, GateFailures = 0, Nudges = 0, NudgedAt = null, UpdatedAt = now },
            [Dispatcher.Event(t, EventTypes.TaskRequeued, $"{t.Id} stopped and requeued: {why}; it starts again from {t.Target} once its dependencies are done (what it did stays on {t.Branch})", now, t.Assignee,
                new Dictionary<string, string> { ["reason"] = "stack_parent_failed", ["parent"] = parent.Id, ["branch"] = t.Branch ?? "" })])
        {
            MergeRequest = open is null ? null : open with { Status = MergeRequestStatus.Cancelled, Detail = "its stack parent " + parent.Id + " did not land", UpdatedAt = now },
        });
        if (back is null)
        {
            return;
        }

        if (DiscardLater is { } later)
        {
            later(ticket, "stack parent did not land");
            return;
        }

        if (ticket.Assignee is not null)
        {
            await EndWorkerAsync(ticket.Assignee, ct).ConfigureAwait(false);
        }

        _worktrees.Discard(ticket, "stack parent did not land");
    }

    /// <summary>The gate (or the merge) failed: back to the same agent with the details, up to gate.retries, then failed.</summary>
    public async Task SendBackAsync(Ticket ticket, string what, string details, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var now = _time.GetUtcNow();
        if (ticket.GateFailures >= _config.GateRetries)
        {
            await StopAsync(ticket, $"{what}; gave up after {ticket.GateFailures + 1} failed gate runs (gate.retries: {_config.GateRetries})", EventTypes.TaskFailed, ct).ConfigureAwait(false);
            return;
        }

        var updated = Move(ticket, t =>
        {
            var next = t with { Status = TicketStatus.InProgress, GateFailures = t.GateFailures + 1, UpdatedAt = now, Nudges = 0, NudgedAt = null };
            return new TicketMutation(next, [Dispatcher.Event(t, EventTypes.TicketUpdated, $"{t.Id} back to its agent ({t.GateFailures + 1}/{_config.GateRetries}): {what}", now)]);
        });
        await DeliverAsync(ticket, updated, what, details, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// A reviewer asked for changes on the ticket's pull request: back to its agent (or a fresh
    /// one) with the review, not counted against gate.retries: how many rounds a review takes is
    /// the reviewer's call.
    /// </summary>
    public async Task ChangesRequestedAsync(Ticket ticket, string what, string details, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var now = _time.GetUtcNow();
        var updated = Move(ticket, t => new TicketMutation(t with { Status = TicketStatus.InProgress, UpdatedAt = now, Nudges = 0, NudgedAt = null },
            [Dispatcher.Event(t, EventTypes.TicketUpdated, $"{t.Id} back to its agent: {what}", now)]));
        await DeliverAsync(ticket, updated, what, details, ct).ConfigureAwait(false);
    }

    private async Task DeliverAsync(Ticket ticket, Ticket? updated, string what, string details, CancellationToken ct)
    {
        if (updated is null)
        {
            return; // changed meanwhile (cancelled by hand): nothing to send
        }

        var message = $"{what}. Fix it on your branch {ticket.Branch}, commit, and report again with `baton ticket done {ticket.Id} --summary \"...\"`.\n{details}";
        var worker = updated.Assignee is null ? null : _store.GetWorker(updated.Assignee);
        if (worker is not null && worker.State.IsLive())
        {
            try
            {
                await _workers.SendAsync(worker.Name, message, ct).ConfigureAwait(false);
                return;
            }
            catch (BatonException)
            {
                // Unreachable after all: a fresh agent gets the message instead.
            }
        }

        await Requeue(updated, what, ct, message).ConfigureAwait(false);
    }

    /// <summary>Ends the agent of a finished ticket; removes a merged or cancelled ticket's worktree (after a snapshot of anything uncommitted).</summary>
    public Task CleanUpAsync(Ticket ticket, CancellationToken ct) => CleanUpAsync(ticket, keep: true, ct);

    /// <summary>As <see cref="CleanUpAsync(Ticket, CancellationToken)"/>, whatever <see cref="Keeps"/> says: a kept agent that found no next ticket.</summary>
    public Task ReleaseAsync(Ticket ticket, CancellationToken ct) => CleanUpAsync(ticket, keep: false, ct);

    /// <summary>
    /// Whether the clean-up of <paramref name="ticket"/> keeps its agent (<see cref="Keeps"/>), and
    /// so does nothing at all: the agent stays alive in its worktree, which stays while it runs there.
    /// </summary>
    public bool KeepsAgentOf(Ticket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        return ticket.Status is (TicketStatus.Review or TicketStatus.Done) && ticket.Assignee is not null
            && _store.GetWorker(ticket.Assignee) is { } w && w.State.IsLive() && Keeps?.Invoke(w, ticket) == true;
    }

    private async Task CleanUpAsync(Ticket ticket, bool keep, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        if (keep && KeepsAgentOf(ticket))
        {
            return;
        }

        if (ticket.Assignee is not null && _store.GetWorker(ticket.Assignee) is { } w && w.State.IsLive())
        {

            // Its work is over, but its last turn (which ran `baton ticket done`) may not be:
            // the exit command waits for that turn's end, bounded.
            await EndWorkerAsync(w.Name, ct, TurnWait).ConfigureAwait(false);
        }

        _worktrees.RemoveIfFinished(ticket);
    }

    public void Fail(Ticket ticket, string why, string eventType = EventTypes.TaskFailed)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var now = _time.GetUtcNow();
        var failed = Move(ticket, t => new TicketMutation(
            t with { Status = TicketStatus.Failed, Note = why, UpdatedAt = now, FinishedAt = now, RetryAt = null },
            [
                Dispatcher.Event(t, eventType, $"{t.Id} failed: {why}", now),
                Dispatcher.Event(t, EventTypes.Notification, $"{t.Id} failed and needs a human: {why}. Its branch {t.Branch} and worktree are kept; `baton ticket update {t.Id} --status open` tries again", now,
                    metadata: new Dictionary<string, string> { ["kind"] = "ticket_failed" }),
            ]));
        if (failed is not null)
        {
            _results.WriteResult(failed);
        }
    }

    private async Task Requeue(Ticket ticket, string why, CancellationToken ct, string? prefix)
    {
        var now = _time.GetUtcNow();
        var back = Move(ticket, t => new TicketMutation(
            t with { Status = TicketStatus.Queued, Assignee = null, RetryAt = null, UpdatedAt = now },
            [Dispatcher.Event(t, EventTypes.TaskRequeued, $"{t.Id} requeued for a fresh agent: {why}", now)]));
        if (back is not null)
        {
            await _respawner.RespawnAsync(back, prefix, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Applies a move only if the ticket is still as the autopilot saw it (same status, same
    /// assignee): a human may have cancelled or reassigned it while the loop was deciding.
    /// Returns the new row, or null when the ticket had moved on (nothing is written).
    /// </summary>
    private Ticket? Move(Ticket seen, Func<Ticket, TicketMutation> change)
    {
        try
        {
            return _tickets.Mutate(seen.Number, current =>
                current.Status == seen.Status && current.Assignee == seen.Assignee ? change(current) : throw new MovedOn());
        }
        catch (MovedOn)
        {
            return null;
        }
    }

    private sealed class MovedOn : Exception;

    private async Task EndWorkerAsync(string name, CancellationToken ct, TimeSpan turnWait = default)
    {
        try
        {
            await (turnWait > TimeSpan.Zero ? _workers.EndAsync(name, turnWait, ct) : _workers.KillAsync(name, ct)).ConfigureAwait(false);
        }
        catch (BatonException)
        {
            // Already gone: nothing to end.
        }
    }
}
