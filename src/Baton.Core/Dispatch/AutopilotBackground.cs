using Baton.Core.Events;
using Baton.Core.Git;
using Baton.Core.Storage;
using Baton.Core.Tickets;
using Baton.Core.Workers;

namespace Baton.Core.Dispatch;

/// <summary>
/// The autopilot's background work on tickets: agents being started (the ticket claimed on the
/// loop thread first), agents being ended and worktrees being cleaned up, each with a store
/// connection of its own when the context can isolate. Owned by the loop thread: it starts the
/// work and takes in the outcomes on the next tick.
/// </summary>
public sealed class AutopilotBackground
{
    private readonly AutopilotContext _ctx;
    private readonly Dispatcher _dispatcher;
    private readonly UnfinishedCleanUps _unfinished;
    private readonly Func<TicketLifecycle> _lifeOf;
    private readonly Func<AutopilotContext, Dispatcher> _dispatcherOf;
    private readonly Func<AutopilotContext, TicketLifecycle> _lifecycleOf;

    // Background work the tick started, by ticket; owned by the loop thread.
    private readonly Dictionary<long, (DispatchCandidate Candidate, Task<Worker> Task)> _spawns = [];
    private readonly Dictionary<long, Task> _cleanups = [];
    private readonly Dictionary<string, (long Ticket, Task Task)> _endings = new(StringComparer.Ordinal);
    private readonly HashSet<string> _kept = new(StringComparer.Ordinal); // exited agents of finished tickets kept for `capture`
    private readonly HashSet<long> _cleaned = [];
    private readonly Dictionary<string, Task> _reusing = new(StringComparer.Ordinal); // agents being given their next ticket

    /// <param name="life">The loop's lifecycle (made after this, as it ends agents through <see cref="EndLater"/>).</param>
    /// <param name="dispatcherOf">A dispatcher on another context's ports (an isolated spawn).</param>
    /// <param name="lifecycleOf">A lifecycle on another context's ports (an isolated clean-up).</param>
    public AutopilotBackground(AutopilotContext context, Dispatcher dispatcher, UnfinishedCleanUps unfinished, Func<TicketLifecycle> life,
        Func<AutopilotContext, Dispatcher> dispatcherOf, Func<AutopilotContext, TicketLifecycle> lifecycleOf)
    {
        _ctx = context;
        _dispatcher = dispatcher;
        _unfinished = unfinished;
        _lifeOf = life;
        _dispatcherOf = dispatcherOf;
        _lifecycleOf = lifecycleOf;
    }

    private TicketLifecycle Life => _lifeOf();

    /// <summary>Whether a finished ticket's live agent is kept (<see cref="TicketLifecycle.Keeps"/>): the clean-up of finished tickets leaves it alone.</summary>
    public Func<Worker, Ticket, bool>? Keeps { get; init; }

    /// <summary>The agents being started, by ticket.</summary>
    public IReadOnlyDictionary<long, (DispatchCandidate Candidate, Task<Worker> Task)> Spawns => _spawns;

    /// <summary>All the work started here (finished or not): spawns, clean-ups, agents being ended.</summary>
    public IEnumerable<Task> Tasks => _spawns.Values.Select(s => (Task)s.Task).Concat(_cleanups.Values).Concat(_endings.Values.Select(e => e.Task)).Concat(_reusing.Values);

    /// <summary>Takes in finished spawns and clean-ups: a spawn that failed goes to the retry policy.</summary>
    public async Task CollectAsync(TickReport report)
    {
        foreach (var (number, (candidate, task)) in _spawns.Where(s => s.Value.Task.IsCompleted).ToList())
        {
            _spawns.Remove(number);
            if (task.IsCompletedSuccessfully)
            {
                continue;
            }

            var why = task.Exception?.GetBaseException().Message ?? "cancelled";
            if (_ctx.Tickets.GetTicket(number) is { Status: TicketStatus.InProgress } ticket)
            {
                Life.Retry(ticket, $"could not start: {why}");
            }

            report.Add("spawn_failed", candidate.Ticket.Id, null, $"{candidate.Ticket.Id}: could not start its agent: {why}", new Dictionary<string, string> { ["reason"] = why });
        }

        foreach (var name in _reusing.Where(r => r.Value.IsCompleted).Select(r => r.Key).ToList())
        {
            _reusing.Remove(name); // its outcome is the spawn's, taken in above
        }

        foreach (var (name, (number, task)) in _endings.Where(e => e.Value.Task.IsCompleted).ToList())
        {
            _endings.Remove(name);
            if (!task.IsCompletedSuccessfully)
            {
                var why = _ctx.Workers.Redactor.Redact(task.Exception?.GetBaseException().Message ?? "cancelled");
                report.Add("error", TicketId.Format(number), name, $"could not end {name}: {why}");
                _ctx.Store.AppendEvent(new EventRecord { Time = _ctx.Time.GetUtcNow(), Type = EventTypes.AutopilotError, Worker = name, Ticket = TicketId.Format(number), Message = $"could not end {name}: {why}" });
            }
        }

        foreach (var (number, task) in _cleanups.Where(c => c.Value.IsCompleted).ToList())
        {
            _cleanups.Remove(number);
            if (!task.IsCompletedSuccessfully)
            {
                _unfinished.Failed(number, _ctx.Workers.Redactor.Redact(task.Exception?.GetBaseException().Message ?? "cancelled"), report);
            }
        }
    }

    /// <summary>Claims the ticket here, then makes its worktree and starts its agent in the background.</summary>
    public Ticket? Launch(DispatchCandidate candidate, string? prefix)
    {
        var claimed = _dispatcher.Claim(candidate);
        if (claimed is null)
        {
            return null;
        }

        var isolate = _ctx.Isolate;
        // An agent of this ticket still being ended (a restart) leaves its worktree first.
        var ending = _endings.Values.Where(e => e.Ticket == claimed.Number && !e.Task.IsCompleted).Select(e => e.Task).ToList();
        Task<Worker> task = isolate is null
            ? LaunchOn(_ctx, _dispatcher, claimed, candidate, prefix)
            : Task.Run(async () =>
            {
                await Settled(ending).ConfigureAwait(false);
                var (context, lease) = isolate(_ctx);
                using (lease)
                {
                    ReleaseBranch(context, claimed);
                    return await _dispatcherOf(context).LaunchAsync(context.Worktrees, new WorkerSpawner(context.Workers), claimed, candidate, prefix, CancellationToken.None).ConfigureAwait(false);
                }
            });
        _spawns[claimed.Number] = (candidate with { Ticket = claimed }, task);
        return claimed;
    }

    private static Task<Worker> LaunchOn(AutopilotContext context, Dispatcher dispatcher, Ticket claimed, DispatchCandidate candidate, string? prefix)
    {
        ReleaseBranch(context, claimed);
        return dispatcher.LaunchAsync(context.Worktrees, new WorkerSpawner(context.Workers), claimed, candidate, prefix, CancellationToken.None);
    }

    /// <summary>A feature's implementor branch an earlier, finished ticket's worktree still holds is freed for this one.</summary>
    private static void ReleaseBranch(AutopilotContext context, Ticket claimed)
    {
        if (Tickets.FeatureBranches.IsLongLived(claimed.Branch))
        {
            TicketWorktrees.For(context).ReleaseBranch(claimed, context.Tickets.ListTickets(new Storage.TicketQuery(Feature: claimed.Feature)));
        }
    }

    /// <summary>
    /// Claims the ticket for <paramref name="agent"/>, whose <paramref name="previous"/> ticket
    /// landed, and gives it to it in the background (<see cref="WorkerReuse"/>). The previous
    /// ticket lets go of the folder first, so its clean-up never removes the new ticket's worktree.
    /// </summary>
    public Ticket? Reuse(DispatchCandidate candidate, Worker agent, Ticket? previous)
    {
        var claimed = _dispatcher.Claim(candidate, agent);
        if (claimed is null)
        {
            return null;
        }

        if (previous is not null)
        {
            _ctx.Tickets.Mutate(previous.Number, t => new TicketMutation(t with { Worktree = null }, []));
        }

        var prompt = _dispatcher.Prompt(claimed, null);
        var isolate = _ctx.Isolate;
        Task<Worker> task = isolate is null
            ? ReuseOn(_ctx, _dispatcher, agent, previous, claimed, prompt)
            : Task.Run(async () =>
            {
                var (context, lease) = isolate(_ctx);
                using (lease)
                {
                    return await ReuseOn(context, _dispatcherOf(context), agent, previous, claimed, prompt).ConfigureAwait(false);
                }
            });
        _spawns[claimed.Number] = (candidate with { Ticket = claimed }, task);
        _reusing[agent.Name] = task;
        return claimed;
    }

    private static async Task<Worker> ReuseOn(AutopilotContext c, Dispatcher dispatcher, Worker agent, Ticket? previous, Ticket claimed, string prompt)
    {
        var reuse = new WorkerReuse(c.Store, c.WorkerService(), c.Workers.Profiles, c.Git, c.Worktrees, c.Git, TicketWorktrees.For(c), c.Time, c.Root)
        {
            BeforeSwitch = dispatcher.PrepareBranches, // as a fresh worktree's: a node's clone fetches first
            Prepare = (w, text) =>
            {
                var setup = c.Workers.RoleSetup();
                var role = w.Role is null ? null : setup.Roles.Catalog.GetRole(w.Role);
                return setup.Prepare(c.Workers.Profiles.Get(w.Agent), role, w.Name, w.Directory, text).Prompt;
            },
        };
        try
        {
            return await reuse.ReuseAsync(agent, previous, claimed, () => Dispatcher.StartPoint(c.Tickets, c.Git, c.Root, claimed), prompt, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The folder never got to the new branch: the retry must make a worktree of its own,
            // not adopt one on another branch (the agent sitting in it is ended by the clean-up).
            if (c.Git.CurrentBranch(agent.Directory) != claimed.Branch)
            {
                c.Tickets.Mutate(claimed.Number, t => new TicketMutation(t.Worktree == agent.Directory ? t with { Worktree = null } : t, []));
            }

            throw;
        }
    }

    /// <summary>Whether the agent named <paramref name="worker"/> is being given its next ticket.</summary>
    public bool Reusing(string worker) => _reusing.TryGetValue(worker, out var r) && !r.IsCompleted;

    /// <summary>Whether <paramref name="worker"/> is being given a ticket, ended, or cleaned up after: not free for another ticket.</summary>
    public bool Settling(Worker worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        return _reusing.TryGetValue(worker.Name, out var r) && !r.IsCompleted
            || _endings.TryGetValue(worker.Name, out var e) && !e.Task.IsCompleted
            || worker.Ticket is { } n && (_cleanups.TryGetValue(n, out var c) && !c.IsCompleted || _spawns.ContainsKey(n));
    }

    /// <summary>Waits for <paramref name="tasks"/>, whatever their outcome (each is reported where it is collected).</summary>
    private static async Task Settled(IReadOnlyList<Task> tasks)
    {
        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Reported when collected.
        }
    }

    /// <summary>
    /// Ends an agent in the background (with a store connection of its own), so the tick goes on
    /// at once; a stopped ticket's worktree is snapshotted once the agent has gone. Only called
    /// when the context can isolate (the lifecycle awaits the end otherwise).
    /// </summary>
    public void EndLater(Ticket ticket, string worker, bool snapshot)
    {
        var isolate = _ctx.Isolate!;
        var previous = _endings.TryGetValue(worker, out var running) && !running.Task.IsCompleted ? running.Task : Task.CompletedTask;
        _endings[worker] = (ticket.Number, Task.Run(async () =>
        {
            await Settled([previous]).ConfigureAwait(false);
            var (context, lease) = isolate(_ctx);
            using (lease)
            {
                try
                {
                    await context.WorkerService().KillAsync(worker, CancellationToken.None).ConfigureAwait(false);
                }
                catch (BatonException)
                {
                    // Already gone: nothing to end.
                }

                if (snapshot)
                {
                    TicketWorktrees.For(context).Snapshot(ticket, "stopped");
                }
            }
        }));
    }

    /// <summary>
    /// Ends the ticket's agent (if any), then discards its worktree (<see cref="TicketWorktrees.Discard"/>),
    /// in the background; a new attempt of the ticket waits for it (<see cref="Launch"/>).
    /// </summary>
    public void DiscardLater(Ticket ticket, string why)
    {
        var isolate = _ctx.Isolate!;
        var key = ticket.Assignee ?? ticket.Id;
        var previous = _endings.TryGetValue(key, out var running) && !running.Task.IsCompleted ? running.Task : Task.CompletedTask;
        _endings[key] = (ticket.Number, Task.Run(async () =>
        {
            await Settled([previous]).ConfigureAwait(false);
            var (context, lease) = isolate(_ctx);
            using (lease)
            {
                if (ticket.Assignee is { } worker)
                {
                    try
                    {
                        await context.WorkerService().KillAsync(worker, CancellationToken.None).ConfigureAwait(false);
                    }
                    catch (BatonException)
                    {
                        // Already gone: nothing to end.
                    }
                }

                TicketWorktrees.For(context).Discard(ticket, why);
            }
        }));
    }

    /// <summary>Finished tickets whose agent still runs (or agents left over from a restart), and cancelled tickets' worktrees, are cleaned up.</summary>
    public void CleanUpFinished(TickReport report)
    {
        _unfinished.Retry(report, number => _cleanups.TryGetValue(number, out var c) && !c.IsCompleted);
        foreach (var t in _ctx.Tickets.ListTickets(new TicketQuery(TicketStatus.Cancelled)))
        {
            if (t.Worktree is not null && !_cleaned.Contains(t.Number) && _ctx.Files.DirectoryExists(t.Worktree))
            {
                _cleaned.Add(t.Number); // once per run: a worktree that cannot go is not retried every tick
                CleanUpLater(t);
            }
        }

        // A node ends only its own agents: another node's run on a machine (and a tmux server) this
        // one cannot reach, and ending it from here would only mark it gone in the store.
        foreach (var w in _ctx.Store.ListWorkers(includeKilled: false).Where(w => w.State.IsLive() && w.Ticket is not null && Mine(w)))
        {
            var t = _ctx.Tickets.GetTicket(w.Ticket!.Value);
            var busy = t is not null && _cleanups.TryGetValue(t.Number, out var c) && !c.IsCompleted
                || _endings.TryGetValue(w.Name, out var ending) && !ending.Task.IsCompleted; // being ended already
            var kept = t is not null && t.Assignee == w.Name && t.Status == TicketStatus.Done && Keeps?.Invoke(w, t) == true;
            if (t is not null && !busy && !kept && !_spawns.ContainsKey(t.Number) && (t.Status.IsFinished() || t.Assignee != w.Name))
            {
                CleanUpLater(t.Assignee == w.Name ? t : t with { Assignee = w.Name, Status = t.Status.IsFinished() ? t.Status : TicketStatus.InProgress });
            }
        }

        ReapDeadPanes();
    }

    /// <summary>
    /// The dead panes of crashed agents go once their ticket has moved on to another agent (a
    /// retry): their exit and usage are recorded by then (the kill takes in what the
    /// spool still holds). Otherwise they stay until `kill-all`, one per crash. keep_exited keeps
    /// them for `baton capture`; without an isolated context they wait for the drain.
    /// </summary>
    private bool WasAskedToExit(Worker w) =>
        _ctx.Store.RecentEvents(new EventQuery(1, Worker: w.Name, Type: EventTypes.WorkerExitRequested)).Count > 0;

    /// <summary>Whether the worker is this loop's to end: every one under `baton up`, a node's own under `baton node`.</summary>
    private bool Mine(Worker w) => _ctx.Node?.Runs(w) ?? true;

    private void ReapDeadPanes()
    {
        if (_ctx.Config.KeepExited || _ctx.Isolate is null)
        {
            return;
        }

        foreach (var w in _ctx.Store.ListWorkers(includeKilled: false).Where(w => w.State == WorkerState.Exited && w.Mode == WorkerMode.Tmux && w.Ticket is not null && Mine(w)))
        {
            if (_endings.ContainsKey(w.Name) || _kept.Contains(w.Name) || _ctx.Tickets.GetTicket(w.Ticket!.Value) is not { } t)
            {
                continue;
            }

            if (t.Assignee == w.Name && !(t.Status.IsFinished() && WasAskedToExit(w)))
            {
                // Still its ticket's agent: the supervisor decides on it first, and a finished
                // ticket's agent that exited by itself stays for `capture` until the loop stops.
                // One a killed loop was ending (it had typed the exit command) goes now.
                if (t.Status.IsFinished())
                {
                    _kept.Add(w.Name);
                }

                continue;
            }

            EndLater(t, w.Name, snapshot: false);
        }
    }

    /// <summary>Ends the ticket's agent and removes its worktree in the background; clean-ups of one ticket run one after the other.</summary>
    public void CleanUpLater(Ticket ticket) => CleanUpLater(ticket, release: false);

    /// <summary>As <see cref="CleanUpLater(Ticket)"/> for a kept agent that found no next ticket: it is ended whatever its role says.</summary>
    public void ReleaseLater(Ticket ticket) => CleanUpLater(ticket, release: true);

    private void CleanUpLater(Ticket ticket, bool release)
    {
        if (!release && Life.KeepsAgentOf(ticket))
        {
            // Nothing to do, so no task: a running clean-up marks the agent as settling
            // (Settling), and a kept agent (reuse_agents) must be free for its ticket's dependent
            // in the very tick its ticket landed, not lose it to a fresh agent.
            return;
        }

        var previous = _cleanups.TryGetValue(ticket.Number, out var running) && !running.IsCompleted ? running : Task.CompletedTask;
        var isolate = _ctx.Isolate;
        _cleanups[ticket.Number] = isolate is null
            ? (release ? Life.ReleaseAsync(ticket, CancellationToken.None) : Life.CleanUpAsync(ticket, CancellationToken.None))
            : Task.Run(async () =>
            {
                try
                {
                    await previous.ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // Reported when it was collected; this clean-up still runs.
                }

                var (context, lease) = isolate(_ctx);
                using (lease)
                {
                    // A clean-up never requeues, so this lifecycle never calls back into the loop from this thread.
                    var life = _lifecycleOf(context);
                    await (release ? life.ReleaseAsync(ticket, CancellationToken.None) : life.CleanUpAsync(ticket, CancellationToken.None)).ConfigureAwait(false);
                }
            });
    }
}
