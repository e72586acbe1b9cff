using Baton.Core.Events;
using Baton.Core.Git;
using Baton.Core.Storage;
using Baton.Core.Tickets;
using Baton.Core.Workers;

namespace Baton.Core.Dispatch;

/// <summary>
/// What the autopilot does once, on its first tick after a start (or a crash): stops the gates and
/// removes the scratch worktrees a killed loop left, and replaces agents that never got their ticket.
/// </summary>
public sealed class AutopilotRecovery
{
    private readonly AutopilotContext _ctx;
    private readonly Merge.GateRunner _gateRunner;
    private readonly Merge.MergeJob _mergeJob;
    private readonly TicketLifecycle _life;

    public AutopilotRecovery(AutopilotContext context, Merge.GateRunner gateRunner, Merge.MergeJob mergeJob, TicketLifecycle life)
    {
        _ctx = context;
        _gateRunner = gateRunner;
        _mergeJob = mergeJob;
        _life = life;
    }

    /// <summary>After a start (or a crash): scratch merge worktrees left behind are removed; the start is recorded.</summary>
    public void Recover(TickReport report)
    {
        // First, before any folder is removed or any gate starts: the gates a killed loop left
        // running would otherwise share their folder with the next gate, or lose it mid-run.
        // A node shares the repository with other nodes (until each has its own clone): their
        // gates and scratch merge worktrees are not leftovers, so a node leaves both alone.
        var stopped = _ctx.Node is null ? _gateRunner.StopLeftovers() : 0;
        var gates = stopped == 0 ? "" : $"; stopped {stopped} gate process{(stopped == 1 ? "" : "es")} an earlier run left running";
        if (stopped > 0)
        {
            report.Add(gates[2..]);
        }

        if (_ctx.Node is null && _ctx.Files.DirectoryExists(_ctx.WorktreesDir))
        {
            foreach (var scratch in _ctx.Files.ListDirectories(_ctx.WorktreesDir, "_merge-*"))
            {
                // One leftover that cannot go (files vanishing under a gate the killed loop left
                // running) must not cost the rest of the recovery: it is reported, and retried at the next start.
                try
                {
                    _mergeJob.RemoveScratch(_ctx.Root, scratch);
                    report.Add($"removed the scratch merge worktree {Path.GetFileName(scratch)} left by an earlier run");
                }
                catch (Exception e) when (e is BatonException or IOException or UnauthorizedAccessException)
                {
                    var message = $"could not remove the scratch merge worktree {scratch} left by an earlier run: {e.Message}; the next start tries again";
                    report.Add(message);
                    _ctx.Store.AppendEvent(new EventRecord { Time = _ctx.Time.GetUtcNow(), Type = EventTypes.AutopilotError, Message = message });
                }
            }

            _ctx.Worktrees.Prune(_ctx.Root); // git forgets scratch worktrees whose folders went
        }

        // Gate runs of a killed loop never finished: their tickets are still in testing and get a new run.
        _ctx.Merges.AbandonRunningGateRuns(_ctx.Time.GetUtcNow());
        var adopted = _ctx.Store.ListWorkers(includeKilled: false).Count(w => w.State.IsLive() && w.Ticket is not null);
        _ctx.Store.AppendEvent(new EventRecord
        {
            Time = _ctx.Time.GetUtcNow(),
            Type = EventTypes.AutopilotStarted,
            Message = $"autopilot started (pid {Environment.ProcessId}); {adopted} live worker{(adopted == 1 ? "" : "s")} adopted{gates}",
        });
    }

    /// <summary>
    /// A loop killed between starting an agent and typing its ticket leaves an agent that does not
    /// know its work: it is replaced by a fresh one with the prompt (found once, at start). The
    /// missing worker_prompt_sent alone does not say so (it is written after the typing was
    /// confirmed, so a loop killed in between lost it): an agent that shows it has the ticket is kept.
    /// </summary>
    public async Task RestartUnpromptedAsync(TickReport report, CancellationToken ct)
    {
        foreach (var t in _ctx.Tickets.ListTickets(new TicketQuery(TicketStatus.InProgress)))
        {
            if (t.Assignee is { } name && _ctx.Store.GetWorker(name) is { Mode: WorkerMode.Tmux } w && w.State.IsLive()
                && _ctx.Store.RecentEvents(new EventQuery(1, Worker: name, Type: EventTypes.WorkerPromptSent)).Count == 0)
            {
                if (GotItsTicket(t, w) is { } evidence)
                {
                    _ctx.Store.AppendEvent(WorkerEvents.For(w, EventTypes.WorkerPromptSent, $"submitted before the previous loop stopped (not confirmed then; seen now: {evidence})", _ctx.Time.GetUtcNow()));
                    report.Add("kept", t.Id, name, $"{t.Id}: {name} got its ticket before the previous loop stopped ({evidence}): kept");
                    continue;
                }

                await _life.RestartAsync(t, w, "the previous loop stopped before the ticket reached its agent", ct).ConfigureAwait(false);
                report.Add("restarted", t.Id, name, $"{t.Id}: {name} never got its ticket (the loop stopped first): restarted");
            }
        }
    }

    /// <summary>What shows an agent has its ticket: its hook reported work, it reported on the ticket, or its screen shows the ticket.</summary>
    private string? GotItsTicket(Ticket ticket, Worker worker)
    {
        if (worker.Hook is { State: WorkerState.Busy } hook && hook.At >= worker.CreatedAt)
        {
            return $"its hook reported work ({hook.Evidence})";
        }

        if (_ctx.Store.RecentEvents(new EventQuery(1, Worker: worker.Name, Type: EventTypes.StatusUpdate)).Count > 0)
        {
            return "it reported on the ticket";
        }

        try
        {
            var screen = _ctx.WorkerService().Capture(worker.Name, 200);
            return screen.Contains(ticket.Title, StringComparison.Ordinal) && screen.Contains(ticket.Id, StringComparison.Ordinal)
                ? "its screen shows the ticket" : null;
        }
        catch (BatonException)
        {
            return null; // no screen to read: the restart decides
        }
    }
}
