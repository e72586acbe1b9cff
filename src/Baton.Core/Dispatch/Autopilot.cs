using Baton.Core.Events;
using Baton.Core.Git;
using Baton.Core.Storage;
using Baton.Core.Tickets;
using Baton.Core.Workers;

namespace Baton.Core.Dispatch;

/// <summary>
/// The loop behind `baton up`. Each tick first reconciles (the monitor compares every worker with
/// what tmux and the processes show; tickets whose workers are gone are retried), then supervises
/// the tickets in progress, runs the gate and the merge queue, and dispatches ready tickets within
/// the limits. The store owns all scheduling state, so a loop killed at any point and started
/// again picks up where the store says, and never starts a ticket twice. Slow work runs in
/// background tasks: gates and merges (no store access), spawns and clean-ups (each with a store
/// connection of its own); the tick applies their outcomes. One instance at a time (the caller
/// holds the lock); ticks run on one thread, never overlapping.
/// </summary>
public sealed partial class Autopilot : IRespawner, IAutopilotLoop
{
    private readonly AutopilotContext _ctx;
    private readonly Dispatcher _dispatcher;
    private readonly TicketLifecycle _life;
    private readonly Supervisor _supervisor;
    private readonly GatesAndMerges _completion;
    private readonly TokenBucket _bucket;
    private readonly StatusFiles _status;
    private readonly ConflictWatch _conflicts;
    private readonly HashSet<long> _held = [];
    private readonly GitHub.GitHubStep _github;
    private readonly UnfinishedCleanUps _unfinished;
    private readonly Handoff.HandoffWatch _handoffs;
    private readonly Synthesis.FeatureResults _results;

    // Every ticket as last read, and the store's version then: an idle tick (nothing written since)
    // reuses it instead of reading 100,000 rows again.
    private IReadOnlyList<Ticket> _all = [];
    private long? _allVersion;
    private List<(string Ticket, string Reason)> _stuck = [];
    private readonly Budgets.BudgetWatch? _budgets;
    private readonly Workspace.CleanupSchedule _workspace;
    private readonly AutopilotBackground _background;
    private readonly AutopilotRecovery _recovery;
    private readonly StepGuard _guard;
    private readonly TickWait _wait;
    private readonly StackOrphans _orphans;
    private readonly PoolKeeper _pool;
    private IReadOnlyDictionary<string, int> _elsewhere = new Dictionary<string, int>(); // this tick's agents of other nodes, by profile

    private readonly Dictionary<long, int> _ticketErrors = [];
    private const int MaxTicketErrors = 20;
    private bool _recovered;

    // Cancelled once, by DrainAsync: stops the gates and merges under way (their commands and
    // children are killed). Ticks never see it: a spawn must not be cut in half.
    private readonly CancellationTokenSource _stopping = new();

    public Autopilot(AutopilotContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        // One worktree lock for the loop and every copy of its context made for other threads.
        _ctx = context.Worktrees is LockedWorktrees ? context : context with { Worktrees = new LockedWorktrees(context.Worktrees) };
        var c = _ctx;
        _dispatcher = DispatcherOf(c);
        if (c.Node is { } node)
        {
            // Checked in the claim's transaction (claims are one at a time across the fleet): a
            // limited profile another node started since this tick counted is left to the next tick.
            _dispatcher.FleetRoom = agent =>
                DispatchPlanner.Elsewhere(node.Elsewhere(c.Store.ListWorkers(includeKilled: false)).ByAgent, agent) <= DispatchPlanner.Elsewhere(_elsewhere, agent);
        }
        _unfinished = new UnfinishedCleanUps(c.Config, c.Tickets, c.Store, c.Git, c.Files, c.Root, TicketWorktrees.For(c), c.Workers.Redactor, c.Time);
        // The lifecycle ends agents through the background work, which calls it back only once both exist.
        _background = new AutopilotBackground(c, _dispatcher, _unfinished, () => _life!, DispatcherOf, LifecycleOf) { Keeps = KeepsOf(c) };
        _guard = new StepGuard(c);
        _wait = new TickWait(c.Node is null ? c.Store.ChangeCounter : ChangeCounterOrLast, c.Time, c.Wake);
        _life = c.Isolate is null ? LifecycleOf(c) : new TicketLifecycle(c.Config, c.Time, c.Tickets, c.Store, c.WorkerService(), c.TicketService, TicketWorktrees.For(c), this) { EndLater = _background.EndLater, DiscardLater = _background.DiscardLater, Keeps = KeepsOf(c) };
        var workers = c.WorkerService();
        _supervisor = new Supervisor(c.Config, c.Time, c.Tickets, c.Store, c.Git, workers, c.Workers.Profiles, RolesOf(c), c.Workers.Redactor, _life, c.Files);
        var gateRunner = new Merge.GateRunner(c.Runner, c.Workers.Redactor) { Root = c.Root, Processes = c.Processes };
        var mergeJob = new Merge.MergeJob(c.Worktrees, c.Git, c.Git, c.Git, gateRunner, c.Files) { Rebase = c.Config.MergeStrategy == Config.MergeStrategy.Rebase, Remote = c.Remote };
        _completion = new GatesAndMerges(c.Config, c.Time, c.Tickets, c.Merges, c.Store, c.TicketService, c.Git, c.Git, c.Git,
            gateRunner, mergeJob, new Stacks(c.Time, c.Tickets, c.Git, _life) { LocalWorktree = c.Remote is { } r ? r.Owns : null, SyncTarget = c.Remote is { } s ? t => s.SyncTarget(t) : null }, _life, c.Paths, _background.CleanUpLater, _stopping.Token)
        {
            FaultPoint = c.FaultPoint,
            BranchHead = c.Remote is { } remote ? remote.Fetch : null,
            Unpushed = c.Pushes is { } pushes ? pushes.Unpushed : null,
        };
        _bucket = new TokenBucket(c.Config.SpawnBurst, c.Config.SpawnsPerMinute, c.Time.GetUtcNow());
        _status = new StatusFiles(c.Paths, c.Files);
        _conflicts = new ConflictWatch(c.Config, c.Time, c.Git, c.Tickets, c.Conflicts, workers, c.Root);
        _github = new GitHub.GitHubStep(c, _background.CleanUpLater) { SendBack = _life.ChangesRequestedAsync };
        _handoffs = new Handoff.HandoffWatch(c);
        _workspace = new Workspace.CleanupSchedule(c.Workers.Config.CleanupEvery, c.Time, () => Workspace.WorkspaceCleanup.For(c).Run(c.Workers.Config.CleanupAfter, dryRun: false));
        _results = new Synthesis.FeatureResults(c.Tickets, c.Store,
            c.Patches is { } patches ? new Synthesis.DossierBuilder(c.Merges, patches, c.Git, c.Git, c.Root, c.Workers.Redactor) { BaseBranch = c.Config.BaseBranch } : null, c.Files, c.Paths, c.Time);
        _orphans = new StackOrphans(c.Tickets, c.Merges, _life);
        _pool = PoolKeeper.For(c);
        _recovery = new AutopilotRecovery(c, gateRunner, mergeJob, _life);
        _budgets = c.Budgets is { } budgets ? new Budgets.BudgetWatch(budgets, c.Store, c.Time, t => _dispatcher.CandidateFor(t)) : null;
    }

    // A node away from its store waits out its ticks on the last count it read, rather than failing the wait.
    private long _lastCount;

    private long ChangeCounterOrLast()
    {
        try
        {
            return _lastCount = _ctx.Store.ChangeCounter();
        }
        catch (Exception) when (_ctx.Node?.Link is { Connected: false })
        {
            return _lastCount;
        }
    }

    private static Func<Roles.IRoleCatalog> RolesOf(AutopilotContext c) => () => c.Workers.RoleSetup().Roles.Catalog;

    /// <summary>
    /// The waiting tickets that cannot move without a person: those the dispatcher found (unknown
    /// role, agent or worker) and those whose dependency failed or was cancelled, added to the report.
    /// </summary>
    private static List<(string Ticket, string Reason)> Stuck(IReadOnlyList<Ticket> all)
    {
        var stuck = new List<(string, string)>();
        var statusOf = all.ToDictionary(t => t.Number, t => t.Status);
        foreach (var t in all.Where(t => t.Status is TicketStatus.Open or TicketStatus.Queued))
        {
            if (TicketRules.BlockedBy(t, statusOf) is { Count: > 0 } dead)
            {
                stuck.Add((t.Id, "its dependency " + string.Join(", ", dead.Select(d => $"{TicketId.Format(d)} ({statusOf[d].ToText()})"))
                    + " will never be done: reopen it, remove the dependency (`baton ticket update " + t.Id + " --remove-dependency T-n`) or cancel this ticket"));
            }
        }

        return stuck;
    }

    /// <summary>Task files dropped into .baton/inbox/ become tickets within a tick; a malformed one is set aside with its reason.</summary>
    private void ImportInbox(TickReport report)
    {
        if (_ctx.Inbox?.Import() is not { } outcome)
        {
            return;
        }

        foreach (var (file, ticket) in outcome.Imported)
        {
            report.Add("imported", ticket.Id, null, $"{ticket.Id}: imported from inbox/{file}: {ticket.Title}", new Dictionary<string, string> { ["file"] = file });
        }

        foreach (var (file, why) in outcome.Rejected)
        {
            report.Add("inbox_rejected", null, null, $"inbox/{file} rejected (see inbox/rejected/{file}.error): {why}", new Dictionary<string, string> { ["file"] = file, ["reason"] = why });
        }
    }

    private static Dispatcher DispatcherOf(AutopilotContext c) =>
        new(c.Config, c.Workers.Config.DefaultAgent, c.Time, c.Tickets, c.Git, RolesOf(c), c.Workers.Profiles, c.Paths, c.Files)
        {
            WorkerNamed = c.Store.GetWorker,
            LocalWorktree = c.Remote is { } remote ? remote.Owns : null,
            BeforeWorktree = c.Remote is { } shared ? shared.Prepare : null,
            RemoteHead = c.Remote is { } fetched ? fetched.Fetch : null,
        };

    /// <summary>The ticket moves on <paramref name="c"/>'s ports; restarts come back to this loop.</summary>
    private TicketLifecycle LifecycleOf(AutopilotContext c) =>
        new(c.Config, c.Time, c.Tickets, c.Store, c.WorkerService(), c.TicketService, TicketWorktrees.For(c), this) { Keeps = KeepsOf(c) };

    /// <summary>A finished ticket's agent stays when its role says <c>exit_when_done: false</c>.</summary>
    private static Func<Workers.Worker, Ticket, bool> KeepsOf(AutopilotContext c) => (w, _) => KeptAgents.Keeps(RolesOf(c)(), w) || WaitsForReuse(c, w);

    /// <summary>
    /// reuse_agents: an agent that can take another ticket stays until its own ticket landed (the
    /// local merge queue lands it within minutes; a pull request may take days, so not then).
    /// </summary>
    private static bool WaitsForReuse(AutopilotContext c, Workers.Worker w) =>
        c.Config.ReuseAgents && c.Config.AutoMerge && !c.Config.PullRequests && w.Mode == WorkerMode.Tmux && ProfileOf(c, w.Agent)?.Reset is not null;

    private static Agents.AgentProfile? ProfileOf(AutopilotContext c, string agent)
    {
        try
        {
            return c.Workers.Profiles.Get(agent);
        }
        catch (BatonException)
        {
            return null; // a profile removed meanwhile: its agents are not reused
        }
    }

    /// <summary>Live agents whose ticket landed and that nothing else is doing with: they may take the next ticket.</summary>
    private List<Worker> FreeAgents(IEnumerable<Worker> live) =>
        [.. live.Where(w => w.Ticket is { } n && !_background.Settling(w) && _ctx.Tickets.GetTicket(n) is { Status: TicketStatus.Done } t && t.Assignee == w.Name)];

    /// <summary>Background work still going: gates, merges, spawns, clean-ups.</summary>
    public int Running => Background().Count();

    public async Task<TickReport> TickAsync(CancellationToken ct)
    {
        var report = new TickReport();
        if (_ctx.Node is not { } away)
        {
            await TickStepsAsync(report, ct).ConfigureAwait(false);
            return report;
        }

        try
        {
            // A node away from its store ticks no further until it reconnects: it dispatches
            // nothing, and judges no agent gone on what it cannot read; its agents run on.
            if (await away.ReachableAsync(report, ct).ConfigureAwait(false))
            {
                await TickStepsAsync(report, ct).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException && away.StoreLost(e, report))
        {
            // Reported in the tick's one line; the next ticks try to reconnect.
        }

        return report;
    }

    private async Task TickStepsAsync(TickReport report, CancellationToken ct)
    {
        _wait.TickStarted(Held());
        if (_ctx.Node is { } node)
        {
            await _guard.RunAsync(report, "the node's leases", () => node.StepAsync(report, ct)).ConfigureAwait(false);
        }

        if (!_recovered)
        {
            await _guard.RunAsync(report, "recovering", () => { _recovery.Recover(report); return Task.CompletedTask; }).ConfigureAwait(false);
            await _guard.RunAsync(report, "finishing clean-ups an earlier run began", () => { _unfinished.FinishAll(report); return Task.CompletedTask; }).ConfigureAwait(false);
            await _guard.RunAsync(report, "restarting agents without their ticket", () => _recovery.RestartUnpromptedAsync(report, ct)).ConfigureAwait(false);
            await _guard.RunAsync(report, "the warm pool an earlier run left", () => { _pool.Recover(report); return Task.CompletedTask; }).ConfigureAwait(false);
            _recovered = true;
        }

        await _guard.RunAsync(report, "collecting background work", () => _background.CollectAsync(report)).ConfigureAwait(false);
        _pool.Collect(report);
        // An agent's report (`baton ticket done`, its hook) usually woke this tick: its gate starts
        // before the monitor and the supervisor, which cost a process per busy worker.
        if (_ctx.Pushes is { } pushes)
        {
            // Before the gates: a ticket reported done has its commit on the shared remote before its gate starts.
            await _guard.RunAsync(report, "pushing branches", () => { pushes.Step(report); return Task.CompletedTask; }).ConfigureAwait(false);
        }

        await _guard.RunAsync(report, "starting gates", () => _completion.StartGatesAsync(report, ct)).ConfigureAwait(false);
        var views = new Dictionary<string, Monitoring.WorkerView>(StringComparer.Ordinal);
        await _guard.RunAsync(report, "looking at the workers", () =>
        {
            // A node looks at its own agents only: on another machine another node's are not in its tmux, not gone.
            views = _ctx.Monitor.Refresh(only: _ctx.Node is { } mine ? mine.Runs : null).ToDictionary(v => v.Worker.Name, StringComparer.Ordinal);
            return Task.CompletedTask;
        }).ConfigureAwait(false);
        var handingOver = _ctx.Handoffs?.Underway(_ctx.Time.GetUtcNow() - Handoff.HandoffService.StaleAfter) ?? new HashSet<long>();
        foreach (var ticket in _ctx.Tickets.ListTickets(new TicketQuery(TicketStatus.InProgress)))
        {
            ct.ThrowIfCancellationRequested();
            if (_background.Spawns.ContainsKey(ticket.Number) || handingOver.Contains(ticket.Number))
            {
                continue; // its agent is being started (or handed over): nothing to judge yet
            }

            views.TryGetValue(ticket.Assignee ?? "", out var view);
            if (await _guard.RunAsync(report, $"looking after {ticket.Id}", () => _supervisor.SuperviseAsync(ticket, view, report, ct)).ConfigureAwait(false))
            {
                _ticketErrors.Remove(ticket.Number);
            }
            else if ((_ticketErrors[ticket.Number] = _ticketErrors.GetValueOrDefault(ticket.Number) + 1) >= MaxTicketErrors)
            {
                // The same ticket failing tick after tick (its target branch deleted, its role
                // removed) would sit in progress for ever: it fails, and a person is told.
                _ticketErrors.Remove(ticket.Number);
                await _guard.RunAsync(report, $"failing {ticket.Id}", () =>
                {
                    _life.Fail(ticket, $"the autopilot could not look after it {MaxTicketErrors} times in a row (see the autopilot_error events)");
                    return Task.CompletedTask;
                }).ConfigureAwait(false);
            }
        }

        await _guard.RunAsync(report, "stacked tickets whose parent failed", () => _orphans.StepAsync(report, ct)).ConfigureAwait(false);
        await _guard.RunAsync(report, "context handoffs", () => { _handoffs.Step(report); return Task.CompletedTask; }).ConfigureAwait(false);
        await _guard.RunAsync(report, "gates and merges", () => _completion.StepAsync(report, ct)).ConfigureAwait(false);
        await _guard.RunAsync(report, "predicting conflicts", () => _conflicts.StepAsync(report, ct)).ConfigureAwait(false);
        await _guard.RunAsync(report, "pull requests and GitHub issues", () => _github.StepAsync(report, ct)).ConfigureAwait(false);
        await _guard.RunAsync(report, "clean-up", () => { _background.CleanUpFinished(report); return Task.CompletedTask; }).ConfigureAwait(false);
        await _guard.RunAsync(report, "the workspace clean-up", () => { _workspace.Step(report); return Task.CompletedTask; }).ConfigureAwait(false);
        await _guard.RunAsync(report, "the inbox", () => { ImportInbox(report); return Task.CompletedTask; }).ConfigureAwait(false);
        await _guard.RunAsync(report, "dispatch", () => { Dispatch(report, ct); return Task.CompletedTask; }).ConfigureAwait(false);
        if (_ctx.Notifier is { } notifier)
        {
            // Last, so the events this tick wrote are already notices; the sends run in the background.
            await _guard.RunAsync(report, "notifications", () => { notifier.Step(); return Task.CompletedTask; }).ConfigureAwait(false);
        }

        // What follows is worked out from the tickets and workers alone: when the store has not changed
        // since the last tick (an idle loop), the last answers stand and 100,000 tickets cost nothing.
        var (all, fresh) = AllTickets();
        var open = _ctx.Merges.MergeRequests(openOnly: true);
        var queued = open.Select(m => m.Ticket).OfType<long>().ToHashSet();
        if (fresh)
        {
            _stuck = Stuck(all);
        }

        report.Stuck.AddRange(_stuck);
        if (_ctx.Node is { } self)
        {
            // Work no running node has the labels for waits for no one: `--until-done` ends on it.
            report.Stuck.AddRange(self.Unrunnable(all).Where(u => !_stuck.Any(s => s.Ticket == u.Ticket)));
        }
        var stuck = report.Stuck.Select(s => s.Ticket).ToHashSet(StringComparer.Ordinal);
        if (fresh)
        {
            await _guard.RunAsync(report, "feature results", () => { _results.Step(all, report); return Task.CompletedTask; }).ConfigureAwait(false);
            await _guard.RunAsync(report, "worktrees of tickets merged elsewhere", () => { CleanUpMergedElsewhere(all, report); return Task.CompletedTask; }).ConfigureAwait(false);
        }

        report.AllSettled = Running == 0 && !open.Any(m => FeatureMerges.FeatureOf(m) is not null) && all.All(t => t.Status.IsFinished() || t.Status == TicketStatus.Blocked || stuck.Contains(t.Id) || (t.Status == TicketStatus.Review && !_ctx.Config.AutoMerge && !queued.Contains(t.Number)));
        if (_ctx.Config.StatusFiles && fresh)
        {
            await _guard.RunAsync(report, "writing the status files", () =>
            {
                _status.Write(_ctx.Store.ListWorkers(includeKilled: false), all, _ctx.Time.GetUtcNow());
                return Task.CompletedTask;
            }).ConfigureAwait(false);
        }
    }

    /// <summary>Every ticket, read again only when the store changed since the last read (the version is taken first, so a write during the read is seen next time).</summary>
    private (IReadOnlyList<Ticket> All, bool Fresh) AllTickets()
    {
        var version = _ctx.Store.Version();
        if (version == _allVersion)
        {
            return (_all, false);
        }

        _all = _ctx.Tickets.ListTickets(new TicketQuery());
        _allVersion = version;
        return (_all, true);
    }

    /// <summary>
    /// Waits until the next tick is due: <paramref name="tick"/> has passed, background work
    /// finished, another process changed the store (an agent's `baton ticket done`) or a hook was
    /// spooled since the last tick started (<see cref="TickWait"/>).
    /// </summary>
    public async Task WaitAsync(TimeSpan tick, CancellationToken ct)
    {
        await _wait.WaitAsync(tick, Held(), ct).ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
    }

    /// <summary>
    /// On stop: lets spawns and clean-ups under way finish, so no agent is left without its
    /// ticket, and stops gates and merges (their commands and children are killed; a stopped gate
    /// is recorded as abandoned, not failed, and runs again on the next start).
    /// </summary>
    public async Task DrainAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        var pending = _background.Tasks.Concat(_completion.Running).Append(_github.DrainAsync()).ToList();
        try
        {
            await Task.WhenAll(pending).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Recorded by the spawner itself, or a stopped gate; the next start retries what is left.
        }

        await _pool.DrainAsync().ConfigureAwait(false); // pool agents never outlive the loop

        if (_ctx.Notifier is { } notifier)
        {
            // Each send is bounded by its channel's timeout; what is still queued waits in the store.
            await notifier.DrainAsync().ConfigureAwait(false);
        }

        if (!_ctx.Config.KeepExited)
        {
            await RemoveExitedSessionsAsync().ConfigureAwait(false);
        }

        _completion.RecordStopped();
        _ctx.Wake?.Dispose();
        _ctx.Node?.Pump?.Dispose();
    }

    /// <summary>The dead panes of finished tickets' agents, kept for `capture` while the loop ran, go with it.</summary>
    private async Task RemoveExitedSessionsAsync()
    {
        var finished = _ctx.Tickets.ListTickets(new TicketQuery()).Where(t => t.Status.IsFinished()).Select(t => t.Number).ToHashSet();
        var workers = _ctx.WorkerService();
        foreach (var w in _ctx.Store.ListWorkers(includeKilled: false).Where(w => w.State == WorkerState.Exited && w.Ticket is { } n && finished.Contains(n)))
        {
            try
            {
                await workers.KillAsync(w.Name, CancellationToken.None).ConfigureAwait(false);
            }
            catch (BatonException e)
            {
                _ctx.Store.AppendEvent(new EventRecord { Time = _ctx.Time.GetUtcNow(), Type = EventTypes.AutopilotError, Worker = w.Name, Message = "could not remove the exited session: " + e.Message });
            }
        }
    }

    private IEnumerable<Task> Background() => Held().Where(t => !t.IsCompleted);

    /// <summary>The background work the loop holds, finished or not (it is let go when the tick collects it).</summary>
    private IEnumerable<Task> Held() =>
        _completion.Running.Concat(_conflicts.Running is { } scan ? [scan] : []).Concat(_background.Tasks).Concat(_handoffs.Running).Concat(_github.Running).Concat(_pool.Tasks);

    private void Dispatch(TickReport report, CancellationToken ct)
    {
        var now = _ctx.Time.GetUtcNow();

        // A node counts its own agents only: another node's run on that node's capacity. A
        // profile's limits are the fleet's: other nodes' agents count against them (Limits).
        var stored = _ctx.Store.ListWorkers(includeKilled: false);
        var all = stored.Where(w => w.State.IsLive() && (_ctx.Node?.Runs(w) ?? true)).ToList();

        // Only an agent whose ticket had landed before the ready tickets were read may be ended
        // for want of one: a ticket landing in the background meanwhile readies its dependents
        // too late for this tick's candidates, and its agent waits for the next tick to take one.
        var releasable = _ctx.Config.ReuseAgents ? FreeAgents(all).Select(w => w.Name).ToHashSet(StringComparer.Ordinal) : [];
        var candidates = _dispatcher.Candidates(now, report);
        if (_ctx.Config.HoldOnOverlap)
        {
            candidates = HoldOverlapping(candidates, report, now);
        }

        var free = _ctx.Config.ReuseAgents ? FreeAgents(all) : [];
        if (candidates.Count == 0)
        {
            ReleaseUnused(free.Where(w => releasable.Contains(w.Name)).ToList(), report);
            KeepPool(all, report, now);
            return;
        }

        (var elsewhere, _elsewhere) = _ctx.Node?.Elsewhere(stored) ?? ([], new Dictionary<string, int>());

        // Idle pool agents take tickets like free agents (WarmPool.Match); the others hold their slots.
        free.AddRange(_pool.Pooled(all).Where(w => WarmPool.Idle(w) && !_pool.Settling(w.Name)));

        // Agents being started count like live ones (their rows may not exist yet); agents whose
        // ticket landed are counted below, once it is known which of them stay.
        var live = all.Where(w => !free.Contains(w) && !_background.Reusing(w.Name)).ToList();
        var counted = live.Where(w => w.Ticket is not { } n || !_background.Spawns.ContainsKey(n)).Select(w => (w.Role, w.Agent))
            .Concat(_background.Spawns.Values.Select(s => ((string?)s.Candidate.Role, s.Candidate.Agent)))
            .ToList();
        var held = new Dictionary<string, string>(Supervisor.PausedAgents(live.Concat(elsewhere)), StringComparer.Ordinal); // a usage limit is the account's
        foreach (var (agent, why) in TokenBudget.Spent(_ctx.Store, _ctx.Config.TokensPerHour, now))
        {
            held.TryAdd(agent, why);
        }

        // max_tasks counts tickets: the live workers on one, and the spawns (each for a ticket).
        var tasks = live.Where(w => w.Ticket is { } t && !_background.Spawns.ContainsKey(t)).Select(w => (w.Role, w.Agent))
            .Concat(_background.Spawns.Values.Select(s => ((string?)s.Candidate.Role, s.Candidate.Agent)))
            .ToList();
        var gate = _budgets?.Step(report) ?? Budgets.BudgetGate.Open;
        foreach (var (agent, why) in gate.AgentsHeld)
        {
            held.TryAdd(agent, why);
        }

        if (free.Count > 0)
        {
            var awaited = new HashSet<string>(StringComparer.Ordinal);
            candidates = Reuse(candidates, free, counted, tasks, held, gate, report, awaited);
            counted.AddRange(free.Where(w => awaited.Contains(w.Name)).Select(w => (w.Role, w.Agent)));
            free.RemoveAll(w => _background.Reusing(w.Name) || awaited.Contains(w.Name));
            // A kept agent (exit_when_done: false) that found nothing stays, and holds its slot; so
            // does a pool agent, and one freed after the ready tickets were read (see above).
            var staying = free.Where(w => WarmPool.IsPooled(w) || KeptAgents.Keeps(RolesOf(_ctx)(), w) || !releasable.Contains(w.Name)).ToList();
            counted.AddRange(staying.Select(w => (w.Role, w.Agent)));
            ReleaseUnused(free.Except(staying).ToList(), report);
        }

        var plan = DispatchPlanner.Plan(candidates, counted, Limits(_bucket.Available(now), held) with { Admit = gate.Admit }, tasks);
        foreach (var (c, reason) in plan.Waiting)
        {
            // A ticket whose budget is spent cannot start today: `up --until-done` need not wait for it.
            (gate.SpentOut.Contains(c.Ticket.Number) ? report.Stuck : report.Waiting).Add((c.Ticket.Id, reason));
        }

        foreach (var c in plan.Start)
        {
            ct.ThrowIfCancellationRequested();
            _bucket.TryTake(_ctx.Time.GetUtcNow());
            if (_background.Launch(c, null) is { } claimed)
            {
                _ctx.FaultPoint?.Invoke("after_dispatch");
                report.Add("dispatched", c.Ticket.Id, claimed.Assignee, $"{c.Ticket.Id} -> {claimed.Assignee} ({c.Role}, {c.Agent}) on {claimed.Branch}", new Dictionary<string, string> { ["role"] = c.Role, ["agent"] = c.Agent, ["branch"] = claimed.Branch ?? "" });
            }
        }

        // Ready tickets go first: an idle pool agent holding a slot a waiting ticket could have ends.
        _pool.GiveBackSlots(_pool.Pooled(all).Where(w => !_background.Reusing(w.Name)).ToList(), plan.Waiting, counted,
            (c, others) => DispatchPlanner.Plan(c, others, Limits(int.MaxValue, held), tasks).Start, report);
        KeepPool(all, report, now);
    }

    private DispatchLimits Limits(int spawnTokens, IReadOnlyDictionary<string, string> held) =>
        _dispatcher.Limits(spawnTokens, held) with { AgentsElsewhere = _elsewhere };

    /// <summary>autopilot.warm_pool (<see cref="PoolKeeper.Keep"/>), with the limits a ticket has; runs at size 0 too: what a killed loop left goes.</summary>
    private void KeepPool(List<Worker> all, TickReport report, DateTimeOffset now)
    {
        var live = all.Where(w => !_background.Reusing(w.Name)).ToList();
        var held = new Dictionary<string, string>(Supervisor.PausedAgents(live), StringComparer.Ordinal);
        foreach (var (agent, why) in _ctx.Node is null ? TokenBudget.Spent(_ctx.Store, _ctx.Config.TokensPerHour, now) : [])
        {
            held.TryAdd(agent, why);
        }

        _pool.Keep(_ctx.Node is null ? _ctx.Config.WarmPool : 0, live, _background.Spawns.Values.Where(s => live.All(w => w.Name != s.Candidate.Ticket.Assignee)).Select(s => ((string?)s.Candidate.Role, s.Candidate.Agent)),
            t => _dispatcher.CandidateFor(t), (start, counted) => [.. DispatchPlanner.Plan(start, counted, Limits(_bucket.Available(now), held), []).Start.Where(_ => _bucket.TryTake(now))], report);
    }

    /// <summary>
    /// reuse_agents: the tickets every limit would start now (spawn tokens aside: a reused agent
    /// spawns nothing) go first to free agents of their role and profile (<see cref="WarmPool"/>);
    /// returns the candidates left for fresh agents. A reused agent counts in the limits from now.
    /// </summary>
    private List<DispatchCandidate> Reuse(IReadOnlyList<DispatchCandidate> candidates, List<Worker> free, List<(string? Role, string Agent)> counted,
        List<(string? Role, string Agent)> tasks, IReadOnlyDictionary<string, string> held, Budgets.BudgetGate gate, TickReport report, HashSet<string> awaited)
    {
        var fits = DispatchPlanner.Plan(candidates, counted, Limits(int.MaxValue, held), tasks).Start;
        var left = candidates.ToList();
        foreach (var (c, agent) in WarmPool.Match(fits, free, a => ProfileOf(_ctx, a)))
        {
            // A pool agent has no previous ticket (WarmPool.IsPooled).
            var previous = agent.Ticket is { } had ? _ctx.Tickets.GetTicket(had) : null;
            if (previous is null && !WarmPool.IsPooled(agent))
            {
                continue;
            }

            if (!WarmPool.Idle(agent))
            {
                // Still ending the turn that reported its ticket done (usually well under a
                // second): the ticket waits for it, up to the time an exit would wait for it.
                if (previous is not null && _ctx.Time.GetUtcNow() - (previous.FinishedAt ?? previous.UpdatedAt) < TicketLifecycle.TurnWait)
                {
                    left.Remove(c);
                    awaited.Add(agent.Name);
                    report.Waiting.Add((c.Ticket.Id, $"waiting for {agent.Name} to end its turn, to reuse it (reuse_agents)"));
                }

                continue;
            }

            if (gate.Admit?.Invoke(c) is not null)
            {
                continue; // over budget: the plan below says why it waits
            }

            if (_background.Reuse(c, agent, previous) is { } claimed)
            {
                left.Remove(c);
                counted.Add((c.Role, c.Agent));
                tasks.Add((c.Role, c.Agent));
                report.Add("dispatched", c.Ticket.Id, claimed.Assignee, $"{c.Ticket.Id} -> {claimed.Assignee} ({c.Role}, {c.Agent}) on {claimed.Branch}, " + (previous is null ? "from the warm pool" : $"reusing it after {previous.Id}"),
                    new Dictionary<string, string> { ["role"] = c.Role, ["agent"] = c.Agent, ["branch"] = claimed.Branch ?? "", ["reused"] = "true" });
            }
        }

        return left;
    }

    /// <summary>Free agents that found no ticket and whose role does not keep them are ended, and their worktrees removed.</summary>
    private void ReleaseUnused(IReadOnlyList<Worker> unused, TickReport report)
    {
        foreach (var w in unused.Where(w => !KeptAgents.Keeps(RolesOf(_ctx)(), w)))
        {
            if (_ctx.Tickets.GetTicket(w.Ticket!.Value) is { } t)
            {
                _background.ReleaseLater(t);
                report.Add("released", t.Id, w.Name, $"{w.Name}: no ready ticket for it after {t.Id}: ended");
            }
        }
    }

    Task IRespawner.RespawnAsync(Ticket ticket, string? prefix, CancellationToken ct)
    {
        _bucket.TryTake(_ctx.Time.GetUtcNow());
        _background.Launch(_dispatcher.CandidateFor(ticket), prefix);
        return Task.CompletedTask;
    }

}
