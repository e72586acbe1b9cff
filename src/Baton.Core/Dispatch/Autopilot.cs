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
public sealed class Autopilot : IRespawner, IAutopilotLoop
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
    private readonly Merge.GateRunner _gateRunner;
    private readonly Synthesis.FeatureResults _results;
    private readonly Budgets.BudgetWatch? _budgets;
    private readonly Workspace.CleanupSchedule _workspace;

    // Background work the tick started, by ticket; owned by the loop thread.
    private readonly Dictionary<long, (DispatchCandidate Candidate, Task<Worker> Task)> _spawns = [];
    private readonly Dictionary<long, Task> _cleanups = [];
    private readonly Dictionary<string, (long Ticket, Task Task)> _endings = new(StringComparer.Ordinal);
    private readonly HashSet<string> _kept = new(StringComparer.Ordinal); // exited agents of finished tickets kept for `capture`
    private readonly HashSet<long> _cleaned = [];
    private readonly Dictionary<long, int> _ticketErrors = [];
    private const int MaxTicketErrors = 20;
    private readonly Dictionary<string, DateTimeOffset> _errors = new(StringComparer.Ordinal);
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
        _life = c.Isolate is null ? LifecycleOf(c) : new TicketLifecycle(c.Config, c.Time, c.Tickets, c.Store, c.WorkerService(), c.TicketService, TicketWorktrees.For(c), this) { EndLater = EndLater };
        var workers = c.WorkerService();
        _supervisor = new Supervisor(c.Config, c.Time, c.Tickets, c.Store, c.Git, workers, c.Workers.Profiles, RolesOf(c), c.Workers.Redactor, _life, c.Files);
        var gateRunner = _gateRunner = new Merge.GateRunner(c.Runner, c.Workers.Redactor) { Root = c.Root, Processes = c.Processes };
        var mergeJob = new Merge.MergeJob(c.Worktrees, c.Git, c.Git, c.Git, gateRunner, c.Files) { Rebase = c.Config.MergeStrategy == Config.MergeStrategy.Rebase };
        _completion = new GatesAndMerges(c.Config, c.Time, c.Tickets, c.Merges, c.Store, c.TicketService, c.Git, c.Git, c.Git,
            gateRunner, mergeJob, new Stacks(c.Time, c.Tickets, c.Git, _life), _life, c.Paths, CleanUpLater, _stopping.Token) { FaultPoint = c.FaultPoint };
        _bucket = new TokenBucket(c.Config.SpawnBurst, c.Config.SpawnsPerMinute, c.Time.GetUtcNow());
        _status = new StatusFiles(c.Paths, c.Files);
        _conflicts = new ConflictWatch(c.Config, c.Time, c.Git, c.Tickets, c.Conflicts, workers, c.Root);
        _github = new GitHub.GitHubStep(c, CleanUpLater);
        _unfinished = new UnfinishedCleanUps(c.Config, c.Tickets, c.Store, c.Git, c.Files, c.Root, TicketWorktrees.For(c), c.Workers.Redactor, c.Time);
        _handoffs = new Handoff.HandoffWatch(c);
        _workspace = new Workspace.CleanupSchedule(c.Workers.Config.CleanupEvery, c.Time, () => Workspace.WorkspaceCleanup.For(c).Run(c.Workers.Config.CleanupAfter, dryRun: false));
        _results = new Synthesis.FeatureResults(c.Tickets, c.Store,
            c.Patches is { } patches ? new Synthesis.DossierBuilder(c.Merges, patches, c.Git, c.Git, c.Root, c.Workers.Redactor) { BaseBranch = c.Config.BaseBranch } : null, c.Files, c.Paths, c.Time);
        _budgets = c.Budgets is { } budgets ? new Budgets.BudgetWatch(budgets, c.Store, c.Time, t => _dispatcher.CandidateFor(t)) : null;
    }

    private static Func<Roles.IRoleCatalog> RolesOf(AutopilotContext c) => () => c.Workers.RoleSetup().Roles.Catalog;

    /// <summary>
    /// The waiting tickets that cannot move without a person: those the dispatcher found (unknown
    /// role, agent or worker) and those whose dependency failed or was cancelled, added to the report.
    /// </summary>
    private static HashSet<string> Stuck(IReadOnlyList<Ticket> all, TickReport report)
    {
        var statusOf = all.ToDictionary(t => t.Number, t => t.Status);
        foreach (var t in all.Where(t => t.Status is TicketStatus.Open or TicketStatus.Queued))
        {
            if (TicketRules.BlockedBy(t, statusOf) is { Count: > 0 } dead)
            {
                report.Stuck.Add((t.Id, "its dependency " + string.Join(", ", dead.Select(d => $"{TicketId.Format(d)} ({statusOf[d].ToText()})"))
                    + " will never be done: reopen it, remove the dependency (`baton ticket update " + t.Id + " --remove-dependency T-n`) or cancel this ticket"));
            }
        }

        return report.Stuck.Select(s => s.Ticket).ToHashSet(StringComparer.Ordinal);
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
        new(c.Config, c.Workers.Config.DefaultAgent, c.Time, c.Tickets, c.Git, RolesOf(c), c.Workers.Profiles, c.Paths, c.Files) { WorkerNamed = c.Store.GetWorker };

    /// <summary>The ticket moves on <paramref name="c"/>'s ports; restarts come back to this loop.</summary>
    private TicketLifecycle LifecycleOf(AutopilotContext c) =>
        new(c.Config, c.Time, c.Tickets, c.Store, c.WorkerService(), c.TicketService, TicketWorktrees.For(c), this);


    /// <summary>Background work still going: gates, merges, spawns, clean-ups.</summary>
    public int Running => Background().Count();

    public async Task<TickReport> TickAsync(CancellationToken ct)
    {
        var report = new TickReport();
        if (!_recovered)
        {
            await GuardAsync(report, "recovering", () => { Recover(report); return Task.CompletedTask; }).ConfigureAwait(false);
            await GuardAsync(report, "finishing clean-ups an earlier run began", () => { _unfinished.FinishAll(report); return Task.CompletedTask; }).ConfigureAwait(false);
            await GuardAsync(report, "restarting agents without their ticket", () => RestartUnpromptedAsync(report, ct)).ConfigureAwait(false);
            _recovered = true;
        }

        await GuardAsync(report, "collecting background work", () => CollectAsync(report)).ConfigureAwait(false);
        var views = new Dictionary<string, Monitoring.WorkerView>(StringComparer.Ordinal);
        await GuardAsync(report, "looking at the workers", () =>
        {
            views = _ctx.Monitor.Refresh().ToDictionary(v => v.Worker.Name, StringComparer.Ordinal);
            return Task.CompletedTask;
        }).ConfigureAwait(false);
        var handingOver = _ctx.Handoffs?.Underway(_ctx.Time.GetUtcNow() - Handoff.HandoffService.StaleAfter) ?? new HashSet<long>();
        foreach (var ticket in _ctx.Tickets.ListTickets(new TicketQuery(TicketStatus.InProgress)))
        {
            ct.ThrowIfCancellationRequested();
            if (_spawns.ContainsKey(ticket.Number) || handingOver.Contains(ticket.Number))
            {
                continue; // its agent is being started (or handed over): nothing to judge yet
            }

            views.TryGetValue(ticket.Assignee ?? "", out var view);
            if (await GuardAsync(report, $"looking after {ticket.Id}", () => _supervisor.SuperviseAsync(ticket, view, report, ct)).ConfigureAwait(false))
            {
                _ticketErrors.Remove(ticket.Number);
            }
            else if ((_ticketErrors[ticket.Number] = _ticketErrors.GetValueOrDefault(ticket.Number) + 1) >= MaxTicketErrors)
            {
                // The same ticket failing tick after tick (its target branch deleted, its role
                // removed) would sit in progress for ever: it fails, and a person is told.
                _ticketErrors.Remove(ticket.Number);
                await GuardAsync(report, $"failing {ticket.Id}", () =>
                {
                    _life.Fail(ticket, $"the autopilot could not look after it {MaxTicketErrors} times in a row (see the autopilot_error events)");
                    return Task.CompletedTask;
                }).ConfigureAwait(false);
            }
        }

        await GuardAsync(report, "context handoffs", () => { _handoffs.Step(report); return Task.CompletedTask; }).ConfigureAwait(false);
        await GuardAsync(report, "gates and merges", () => _completion.StepAsync(report, ct)).ConfigureAwait(false);
        await GuardAsync(report, "predicting conflicts", () => _conflicts.StepAsync(report, ct)).ConfigureAwait(false);
        await GuardAsync(report, "pull requests and GitHub issues", () => _github.StepAsync(report, ct)).ConfigureAwait(false);
        await GuardAsync(report, "clean-up", () => { CleanUpFinished(report); return Task.CompletedTask; }).ConfigureAwait(false);
        await GuardAsync(report, "the workspace clean-up", () => { _workspace.Step(report); return Task.CompletedTask; }).ConfigureAwait(false);
        await GuardAsync(report, "the inbox", () => { ImportInbox(report); return Task.CompletedTask; }).ConfigureAwait(false);
        await GuardAsync(report, "dispatch", () => { Dispatch(report, ct); return Task.CompletedTask; }).ConfigureAwait(false);
        if (_ctx.Notifier is { } notifier)
        {
            // Last, so the events this tick wrote are already notices; the sends run in the background.
            await GuardAsync(report, "notifications", () => { notifier.Step(); return Task.CompletedTask; }).ConfigureAwait(false);
        }

        var all = _ctx.Tickets.ListTickets(new TicketQuery());
        var open = _ctx.Merges.MergeRequests(openOnly: true);
        var queued = open.Select(m => m.Ticket).OfType<long>().ToHashSet();
        var stuck = Stuck(all, report);
        await GuardAsync(report, "feature results", () => { _results.Step(all, report); return Task.CompletedTask; }).ConfigureAwait(false);
        report.AllSettled = Running == 0 && !open.Any(m => FeatureMerges.FeatureOf(m) is not null) && all.All(t => t.Status.IsFinished() || t.Status == TicketStatus.Blocked || stuck.Contains(t.Id) || (t.Status == TicketStatus.Review && !_ctx.Config.AutoMerge && !queued.Contains(t.Number)));
        if (_ctx.Config.StatusFiles)
        {
            await GuardAsync(report, "writing the status files", () =>
            {
                _status.Write(_ctx.Store.ListWorkers(includeKilled: false), all, _ctx.Time.GetUtcNow());
                return Task.CompletedTask;
            }).ConfigureAwait(false);
        }

        return report;
    }

    /// <summary>
    /// Waits until the next tick is due: <paramref name="tick"/> has passed, background work
    /// finished, or another process changed the store (an agent's `baton ticket done`).
    /// </summary>
    public async Task WaitAsync(TimeSpan tick, CancellationToken ct)
    {
        var version = _ctx.Store.ChangeCounter();
        var due = _ctx.Time.GetUtcNow() + tick;
        var background = Background().ToList();
        var any = background.Count == 0 ? null : Task.WhenAny(background);
        while (_ctx.Time.GetUtcNow() < due && !ct.IsCancellationRequested)
        {
            var step = TimeSpan.FromTicks(Math.Min((due - _ctx.Time.GetUtcNow()).Ticks, StorePoll.Ticks));
            var delay = Task.Delay(step > TimeSpan.Zero ? step : TimeSpan.Zero, _ctx.Time, ct);
            var done = any is null ? await Task.WhenAny(delay).ConfigureAwait(false) : await Task.WhenAny(delay, any).ConfigureAwait(false);
            if (done == any || _ctx.Store.ChangeCounter() != version)
            {
                return;
            }
        }
    }

    /// <summary>
    /// On stop: lets spawns and clean-ups under way finish, so no agent is left without its
    /// ticket, and stops gates and merges (their commands and children are killed; a stopped gate
    /// is recorded as abandoned, not failed, and runs again on the next start).
    /// </summary>
    public async Task DrainAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        var pending = _spawns.Values.Select(s => (Task)s.Task).Concat(_cleanups.Values).Concat(_endings.Values.Select(e => e.Task)).Concat(_completion.Running).ToList();
        try
        {
            await Task.WhenAll(pending).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Recorded by the spawner itself, or a stopped gate; the next start retries what is left.
        }

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

    private static readonly TimeSpan StorePoll = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// One step of the tick; a failure (git or tmux refusing, a file gone) is reported and
    /// recorded as an autopilot_error event, and the loop carries on: one bad ticket must not stop
    /// the others. The same error is recorded once a minute at most.
    /// </summary>
    private async Task<bool> GuardAsync(TickReport report, string what, Func<Task> step)
    {
        try
        {
            await step().ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            var message = $"error while {what}: {_ctx.Workers.Redactor.Redact(e.GetBaseException().Message)}";
            report.Add("error", null, null, message, new Dictionary<string, string> { ["while"] = what });
            var now = _ctx.Time.GetUtcNow();
            if (!_errors.TryGetValue(message, out var last) || now - last > TimeSpan.FromMinutes(1))
            {
                if (_errors.Count > 1000)
                {
                    _errors.Clear(); // only a rate limit: forgetting old errors is harmless
                }

                _errors[message] = now;
                _ctx.Store.AppendEvent(new EventRecord
                {
                    Time = now,
                    Type = EventTypes.AutopilotError,
                    Message = message,
                    Metadata = new Dictionary<string, string> { ["exception"] = e.GetType().Name },
                });
            }

            return false;
        }
    }

    private IEnumerable<Task> Background() =>
        _completion.Running.Concat(_endings.Values.Select(e => e.Task)).Concat(_conflicts.Running is { } scan ? [scan] : []).Concat(_spawns.Values.Select(s => (Task)s.Task)).Concat(_cleanups.Values).Concat(_handoffs.Running).Where(t => !t.IsCompleted);

    /// <summary>After a start (or a crash): scratch merge worktrees left behind are removed; the start is recorded.</summary>
    private void Recover(TickReport report)
    {
        // First, before any folder is removed or any gate starts: the gates a killed loop left
        // running would otherwise share their folder with the next gate, or lose it mid-run.
        var stopped = _gateRunner.StopLeftovers();
        var gates = stopped == 0 ? "" : $"; stopped {stopped} gate process{(stopped == 1 ? "" : "es")} an earlier run left running";
        if (stopped > 0)
        {
            report.Add(gates[2..]);
        }

        if (_ctx.Files.DirectoryExists(_ctx.WorktreesDir))
        {
            foreach (var scratch in _ctx.Files.ListDirectories(_ctx.WorktreesDir, "_merge-*"))
            {
                // One leftover that cannot go (files vanishing under a gate the killed loop left
                // running) must not cost the rest of the recovery: it is reported, and retried at the next start.
                try
                {
                    _completion.MergeJob.RemoveScratch(_ctx.Root, scratch);
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
    private async Task RestartUnpromptedAsync(TickReport report, CancellationToken ct)
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

    /// <summary>Takes in finished spawns and clean-ups: a spawn that failed goes to the retry policy.</summary>
    private async Task CollectAsync(TickReport report)
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
                _life.Retry(ticket, $"could not start: {why}");
            }

            report.Add("spawn_failed", candidate.Ticket.Id, null, $"{candidate.Ticket.Id}: could not start its agent: {why}", new Dictionary<string, string> { ["reason"] = why });
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

    private void Dispatch(TickReport report, CancellationToken ct)
    {
        var now = _ctx.Time.GetUtcNow();
        var candidates = _dispatcher.Candidates(now, report);
        if (_ctx.Config.HoldOnOverlap)
        {
            candidates = HoldOverlapping(candidates, report, now);
        }

        if (candidates.Count == 0)
        {
            return;
        }

        // Agents being started count like live ones (their rows may not exist yet).
        var live = _ctx.Store.ListWorkers(includeKilled: false).Where(w => w.State.IsLive()).ToList();
        var counted = live.Where(w => w.Ticket is not { } n || !_spawns.ContainsKey(n)).Select(w => (w.Role, w.Agent))
            .Concat(_spawns.Values.Select(s => ((string?)s.Candidate.Role, s.Candidate.Agent)))
            .ToList();
        var held = new Dictionary<string, string>(Supervisor.PausedAgents(live), StringComparer.Ordinal);
        foreach (var (agent, why) in TokenBudget.Spent(_ctx.Store, _ctx.Config.TokensPerHour, now))
        {
            held.TryAdd(agent, why);
        }

        // max_tasks counts tickets: the live workers on one, and the spawns (each for a ticket).
        var tasks = live.Where(w => w.Ticket is { } t && !_spawns.ContainsKey(t)).Select(w => (w.Role, w.Agent))
            .Concat(_spawns.Values.Select(s => ((string?)s.Candidate.Role, s.Candidate.Agent)))
            .ToList();
        var gate = _budgets?.Step(report) ?? Budgets.BudgetGate.Open;
        foreach (var (agent, why) in gate.AgentsHeld)
        {
            held.TryAdd(agent, why);
        }

        var plan = DispatchPlanner.Plan(candidates, counted, _dispatcher.Limits(_bucket.Available(now), held) with { Admit = gate.Admit }, tasks);
        foreach (var (c, reason) in plan.Waiting)
        {
            // A ticket whose budget is spent cannot start today: `up --until-done` need not wait for it.
            (gate.SpentOut.Contains(c.Ticket.Number) ? report.Stuck : report.Waiting).Add((c.Ticket.Id, reason));
        }

        foreach (var c in plan.Start)
        {
            ct.ThrowIfCancellationRequested();
            _bucket.TryTake(_ctx.Time.GetUtcNow());
            if (Launch(c, null) is { } claimed)
            {
                _ctx.FaultPoint?.Invoke("after_dispatch");
                report.Add("dispatched", c.Ticket.Id, claimed.Assignee, $"{c.Ticket.Id} -> {claimed.Assignee} ({c.Role}, {c.Agent}) on {claimed.Branch}", new Dictionary<string, string> { ["role"] = c.Role, ["agent"] = c.Agent, ["branch"] = claimed.Branch ?? "" });
            }
        }
    }

    /// <summary>
    /// hold_on_overlap: a ticket that declares paths waits while a live branch (of another ticket)
    /// changes a file they match, so two agents do not write the same files at once; it goes
    /// once that branch merged. Recorded once per hold as a task_held event.
    /// </summary>
    private List<DispatchCandidate> HoldOverlapping(IReadOnlyList<DispatchCandidate> candidates, TickReport report, DateTimeOffset now)
    {
        var go = new List<DispatchCandidate>();
        var scan = candidates.Any(c => c.Ticket.Paths.Count > 0) ? _conflicts.Current() : null;
        foreach (var c in candidates)
        {
            if (scan is not null && c.Ticket.Paths.Count > 0 && ConflictWatch.Overlap(scan, c.Ticket.Paths) is { } overlap && overlap.Branch.Ticket != c.Ticket.Id)
            {
                var why = $"held: {overlap.Branch.Ticket ?? overlap.Branch.Name} changes {overlap.File}, which its paths cover (hold_on_overlap)";
                report.Waiting.Add((c.Ticket.Id, why));
                if (_held.Add(c.Ticket.Number))
                {
                    _ctx.Store.AppendEvent(Dispatcher.Event(c.Ticket, EventTypes.TaskHeld, $"{c.Ticket.Id} {why}", now,
                        metadata: new Dictionary<string, string> { ["branch"] = overlap.Branch.Name, ["file"] = overlap.File }));
                }

                continue;
            }

            _held.Remove(c.Ticket.Number);
            go.Add(c);
        }

        return go;
    }

    /// <summary>Claims the ticket here, then makes its worktree and starts its agent in the background.</summary>
    private Ticket? Launch(DispatchCandidate candidate, string? prefix)
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
            ? _dispatcher.LaunchAsync(_ctx.Worktrees, new WorkerSpawner(_ctx.Workers), claimed, candidate, prefix, CancellationToken.None)
            : Task.Run(async () =>
            {
                await Settled(ending).ConfigureAwait(false);
                var (context, lease) = isolate(_ctx);
                using (lease)
                {
                    return await DispatcherOf(context).LaunchAsync(context.Worktrees, new WorkerSpawner(context.Workers), claimed, candidate, prefix, CancellationToken.None).ConfigureAwait(false);
                }
            });
        _spawns[claimed.Number] = (candidate with { Ticket = claimed }, task);
        return claimed;
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
    private void EndLater(Ticket ticket, string worker, bool snapshot)
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

    Task IRespawner.RespawnAsync(Ticket ticket, string? prefix, CancellationToken ct)
    {
        _bucket.TryTake(_ctx.Time.GetUtcNow());
        Launch(_dispatcher.CandidateFor(ticket), prefix);
        return Task.CompletedTask;
    }

    /// <summary>Finished tickets whose agent still runs (or agents left over from a restart), and cancelled tickets' worktrees, are cleaned up.</summary>
    private void CleanUpFinished(TickReport report)
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

        foreach (var w in _ctx.Store.ListWorkers(includeKilled: false).Where(w => w.State.IsLive() && w.Ticket is not null))
        {
            var t = _ctx.Tickets.GetTicket(w.Ticket!.Value);
            var busy = t is not null && _cleanups.TryGetValue(t.Number, out var c) && !c.IsCompleted
                || _endings.TryGetValue(w.Name, out var ending) && !ending.Task.IsCompleted; // being ended already
            if (t is not null && !busy && !_spawns.ContainsKey(t.Number) && (t.Status.IsFinished() || t.Assignee != w.Name))
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

    private void ReapDeadPanes()
    {
        if (_ctx.Config.KeepExited || _ctx.Isolate is null)
        {
            return;
        }

        foreach (var w in _ctx.Store.ListWorkers(includeKilled: false).Where(w => w.State == WorkerState.Exited && w.Mode == WorkerMode.Tmux && w.Ticket is not null))
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
    private void CleanUpLater(Ticket ticket)
    {
        var previous = _cleanups.TryGetValue(ticket.Number, out var running) && !running.IsCompleted ? running : Task.CompletedTask;
        var isolate = _ctx.Isolate;
        _cleanups[ticket.Number] = isolate is null
            ? _life.CleanUpAsync(ticket, CancellationToken.None)
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
                    await LifecycleOf(context).CleanUpAsync(ticket, CancellationToken.None).ConfigureAwait(false);
                }
            });
    }
}
