using Baton.Core.Events;
using Baton.Core.Merge;
using Baton.Core.Monitoring;
using Baton.Core.Storage;
using Baton.Core.Tickets;
using Baton.Core.Workers;

namespace Baton.Core.Dispatch;

/// <summary>
/// The loop behind `baton up`. Each tick first reconciles (the monitor compares every worker with
/// what tmux and the processes show; tickets whose workers are gone are retried), then supervises
/// the tickets in progress, runs the gate and the merge queue, and dispatches ready tickets within
/// the limits. The store owns all scheduling state, so a loop killed at any point and started
/// again picks up where the store says, and never starts a ticket twice. Gates and merges run in
/// background tasks that touch no store; the tick applies their outcomes. One instance at a time
/// (the caller holds the lock); the tick runs on one thread, never overlapping itself.
/// </summary>
public sealed class Autopilot
{
    private readonly AutopilotContext _ctx;
    private readonly Dispatcher _dispatcher;
    private readonly TicketLifecycle _life;
    private readonly Supervisor _supervisor;
    private readonly GateRunner _gateRunner;
    private readonly MergeJob _mergeJob;
    private readonly TokenBucket _bucket;
    private readonly StatusFiles _status;
    private readonly Dictionary<long, (GateRun Run, Task<GateOutcome> Task)> _gates = [];
    private (MergeRequest Request, Ticket Ticket, Task<MergeOutcome> Task)? _merge;
    private bool _recovered;

    public Autopilot(AutopilotContext context)
    {
        _ctx = context;
        _life = new TicketLifecycle(context);
        _dispatcher = new Dispatcher(context, (t, why) => _life.RetryAsync(t, why));
        _life.Respawn = RespawnAsync;
        _supervisor = new Supervisor(context, _life);
        _gateRunner = new GateRunner(context.Runner, context.Workers.Redactor);
        _mergeJob = new MergeJob(context.Git, _gateRunner);
        _bucket = new TokenBucket(context.Config.SpawnBurst, context.Config.SpawnsPerMinute, context.Time.GetUtcNow());
        _status = new StatusFiles(context.Paths);
    }

    /// <summary>Gate runs and merges still going in the background.</summary>
    public int Running => _gates.Count + (_merge is null ? 0 : 1);

    public async Task<TickReport> TickAsync(CancellationToken ct)
    {
        var report = new TickReport();
        if (!_recovered)
        {
            Recover(report);
            await RestartUnpromptedAsync(report, ct).ConfigureAwait(false);
            _recovered = true;
        }

        var views = _ctx.Monitor.Refresh().ToDictionary(v => v.Worker.Name, StringComparer.Ordinal);
        foreach (var ticket in _ctx.Tickets.ListTickets(new TicketQuery(TicketStatus.InProgress)))
        {
            ct.ThrowIfCancellationRequested();
            views.TryGetValue(ticket.Assignee ?? "", out var view);
            await _supervisor.SuperviseAsync(ticket, view, report, ct).ConfigureAwait(false);
        }

        await GatesAsync(report, ct).ConfigureAwait(false);
        await MergesAsync(report, ct).ConfigureAwait(false);
        await CleanUpAsync(ct).ConfigureAwait(false);
        await DispatchAsync(report, ct).ConfigureAwait(false);

        var all = _ctx.Tickets.ListTickets(new TicketQuery());
        report.AllSettled = Running == 0 && all.All(t => t.Status.IsFinished() || t.Status == TicketStatus.Blocked || (t.Status == TicketStatus.Review && !_ctx.Config.AutoMerge));
        if (_ctx.Config.StatusFiles)
        {
            _status.Write(_ctx.Store.ListWorkers(includeKilled: false), all, _ctx.Time.GetUtcNow());
        }

        return report;
    }

    /// <summary>After a start (or a crash): scratch merge worktrees left behind are removed, and merges that were going are queued again.</summary>
    private void Recover(TickReport report)
    {
        if (Directory.Exists(_ctx.WorktreesDir))
        {
            foreach (var scratch in Directory.GetDirectories(_ctx.WorktreesDir, "_merge-*"))
            {
                _mergeJob.RemoveScratch(_ctx.Root, scratch);
                report.Add($"removed the scratch merge worktree {Path.GetFileName(scratch)} left by an earlier run");
            }
        }

        var adopted = _ctx.Store.ListWorkers(includeKilled: false).Count(w => w.State.IsLive() && w.Ticket is not null);
        _ctx.Store.AppendEvent(new EventRecord
        {
            Time = _ctx.Time.GetUtcNow(),
            Type = EventTypes.AutopilotStarted,
            Message = $"autopilot started (pid {Environment.ProcessId}); {adopted} live worker{(adopted == 1 ? "" : "s")} adopted",
        });
    }

    /// <summary>
    /// A loop killed between starting an agent and typing its ticket leaves an agent that does not
    /// know its work: it is replaced by a fresh one with the prompt (found once, at start).
    /// </summary>
    private async Task RestartUnpromptedAsync(TickReport report, CancellationToken ct)
    {
        foreach (var t in _ctx.Tickets.ListTickets(new TicketQuery(TicketStatus.InProgress)))
        {
            if (t.Assignee is { } name && _ctx.Store.GetWorker(name) is { Mode: WorkerMode.Tmux } w && w.State.IsLive()
                && _ctx.Store.RecentEvents(new EventQuery(1, Worker: name, Type: EventTypes.WorkerPromptSent)).Count == 0)
            {
                await _life.RestartAsync(t, w, "the previous loop stopped before the ticket reached its agent", ct).ConfigureAwait(false);
                report.Add($"{t.Id}: {name} never got its ticket (the loop stopped first): restarted");
            }
        }
    }

    private async Task DispatchAsync(TickReport report, CancellationToken ct)
    {
        var now = _ctx.Time.GetUtcNow();
        var candidates = _dispatcher.Candidates(now, report);
        if (candidates.Count == 0)
        {
            return;
        }

        var live = _ctx.Store.ListWorkers(includeKilled: false).Where(w => w.State.IsLive()).ToList();
        var held = new Dictionary<string, string>(Supervisor.PausedAgents(live), StringComparer.Ordinal);
        foreach (var (agent, why) in TokenBudget(now))
        {
            held.TryAdd(agent, why);
        }

        var plan = DispatchPlanner.Plan(candidates, live.Select(w => (w.Role, w.Agent)).ToList(), _dispatcher.Limits(_bucket.Available(now), held));
        foreach (var (c, reason) in plan.Waiting)
        {
            report.Waiting.Add((c.Ticket.Id, reason));
        }

        foreach (var c in plan.Start)
        {
            ct.ThrowIfCancellationRequested();
            _bucket.TryTake(_ctx.Time.GetUtcNow());
            var worker = await _dispatcher.StartAsync(c, null, ct).ConfigureAwait(false);
            if (worker is not null)
            {
                report.Add($"{c.Ticket.Id} -> {worker.Name} ({c.Role}, {c.Agent}) on {_ctx.Tickets.GetTicket(c.Ticket.Number)?.Branch}");
            }
        }
    }

    /// <summary>Profiles whose tokens in the last hour (from worker_usage events) reached agents.tokens_per_hour.</summary>
    private IEnumerable<(string Agent, string Why)> TokenBudget(DateTimeOffset now)
    {
        if (_ctx.Config.TokensPerHour.Count == 0)
        {
            return [];
        }

        var used = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var e in _ctx.Store.RecentEvents(new EventQuery(100_000, Type: "worker_usage", Since: now - TimeSpan.FromHours(1))))
        {
            if (e.Metadata is { } m && m.TryGetValue("agent", out var agent) && m.TryGetValue("tokens", out var text)
                && long.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n))
            {
                used[agent] = (used.TryGetValue(agent, out var u) ? u : 0) + n;
            }
        }

        return _ctx.Config.TokensPerHour
            .Where(b => used.TryGetValue(b.Key, out var u) && u >= b.Value)
            .Select(b => (b.Key, $"agent {b.Key} used {used[b.Key]} tokens in the last hour (agents.tokens_per_hour: {b.Value})"))
            .ToList();
    }

    private async Task RespawnAsync(Ticket ticket, string? prefix, CancellationToken ct)
    {
        var role = ticket.RoleWanted ?? _ctx.Config.DefaultRole;
        var agent = ticket.AgentWanted ?? _ctx.Workers.RoleSetup().Roles.Catalog.GetRole(role).Agent ?? _ctx.Workers.Config.DefaultAgent;
        _bucket.TryTake(_ctx.Time.GetUtcNow());
        await _dispatcher.StartAsync(new DispatchCandidate(ticket, role, agent), prefix, ct).ConfigureAwait(false);
    }

    private async Task GatesAsync(TickReport report, CancellationToken ct)
    {
        foreach (var (number, (run, task)) in _gates.Where(g => g.Value.Task.IsCompleted).ToList())
        {
            _gates.Remove(number);
            var now = _ctx.Time.GetUtcNow();
            var outcome = task.IsCompletedSuccessfully ? task.Result : new GateOutcome(false, null, null, null, task.Exception?.GetBaseException().Message ?? "", "the gate could not run: " + task.Exception?.GetBaseException().Message);
            _ctx.Merges.FinishGateRun(run with
            {
                Status = outcome.Passed ? "passed" : "failed",
                Passed = outcome.TestsPassed,
                Failed = outcome.TestsFailed,
                Skipped = outcome.TestsSkipped,
                Output = outcome.Output,
                FinishedAt = now,
            });
            var ticket = _ctx.Tickets.GetTicket(number);
            if (ticket is not { Status: TicketStatus.Testing })
            {
                continue; // moved on meanwhile (cancelled by hand): the run stays recorded, nothing else
            }

            if (outcome.Passed)
            {
                Passed(ticket, outcome, now);
                report.Add($"{ticket.Id}: gate passed: {outcome.Summary}");
            }
            else
            {
                _ctx.Store.AppendEvent(Dispatcher.Event(ticket, EventTypes.GateFailed, $"{ticket.Id}: gate failed: {outcome.Summary}", now));
                await _life.SendBackAsync(ticket, $"The gate failed on {ticket.Id}: {outcome.Summary}", Tail(outcome.Output), ct).ConfigureAwait(false);
                report.Add($"{ticket.Id}: gate failed: {outcome.Summary}");
            }
        }

        foreach (var ticket in _ctx.Tickets.ListTickets(new TicketQuery(TicketStatus.Testing)))
        {
            if (_gates.ContainsKey(ticket.Number) || ticket.Worktree is null)
            {
                continue;
            }

            var now = _ctx.Time.GetUtcNow();
            var run = _ctx.Merges.AddGateRun(new GateRun { Ticket = ticket.Number, Worker = ticket.Assignee, Branch = ticket.Branch, Kind = "worktree", Status = "running", StartedAt = now });
            _ctx.Store.AppendEvent(Dispatcher.Event(ticket, EventTypes.GateStarted, $"{ticket.Id}: gate started in {ticket.Worktree}: {string.Join(" && ", _ctx.Config.GateCommands)}", now));
            var dir = ticket.Worktree;
            _gates[ticket.Number] = (run, Task.Run(() => _gateRunner.Run(dir, _ctx.Config.GateCommands, _ctx.Config.GateTimeout), CancellationToken.None));
            report.Add($"{ticket.Id}: gate started");
        }
    }

    private void Passed(Ticket ticket, GateOutcome outcome, DateTimeOffset now)
    {
        _ctx.Tickets.Mutate(ticket.Number, t =>
        {
            var next = t with { Status = TicketStatus.Review, UpdatedAt = now };
            var events = new List<EventRecord> { Dispatcher.Event(t, EventTypes.GatePassed, $"{t.Id}: gate passed: {outcome.Summary}; status review", now) };
            if (!_ctx.Config.AutoMerge)
            {
                return new TicketMutation(next, events);
            }

            events.Add(Dispatcher.Event(t, EventTypes.MergeQueued, $"{t.Id}: {t.Branch} queued to merge into {t.Target}", now));
            return new TicketMutation(next, events)
            {
                MergeRequest = new MergeRequest { Ticket = t.Number, Branch = t.Branch!, Target = t.Target!, Status = "queued", CreatedAt = now, UpdatedAt = now },
            };
        });
    }

    private async Task MergesAsync(TickReport report, CancellationToken ct)
    {
        if (_merge is { } running)
        {
            if (!running.Task.IsCompleted)
            {
                return;
            }

            _merge = null;
            await LandedAsync(running.Request, running.Ticket, running.Task, report, ct).ConfigureAwait(false);
        }

        if (!_ctx.Config.AutoMerge)
        {
            return;
        }

        foreach (var mr in _ctx.Merges.MergeRequests(openOnly: true))
        {
            var ticket = mr.Ticket is { } n ? _ctx.Tickets.GetTicket(n) : null;
            if (ticket is { } gone && gone.Status.IsFinished())
            {
                // Cancelled or failed by hand while it waited: it leaves the queue.
                var now = _ctx.Time.GetUtcNow();
                _ctx.Tickets.Mutate(gone.Number, t => new TicketMutation(t, [Dispatcher.Event(t, EventTypes.MergeFailed, $"{t.Id}: {mr.Branch} leaves the merge queue: the ticket is {t.Status.ToText()}", now)])
                {
                    MergeRequest = mr with { Status = "cancelled", Detail = $"ticket {gone.Status.ToText()}", UpdatedAt = now },
                });
                continue;
            }

            if (ticket is not { Status: TicketStatus.Review })
            {
                continue;
            }

            var scratch = Path.Combine(_ctx.WorktreesDir, $"_merge-{mr.Id}");
            var message = $"Merge {ticket.Id}: {ticket.Title}\n\nBranch {mr.Branch} merged by Baton after its gate passed.\nBaton-Ticket: {ticket.Id}";
            var commands = _ctx.Config.GateCommands;
            var timeout = _ctx.Config.GateTimeout;
            _merge = (mr, ticket, Task.Run(() => _mergeJob.Run(_ctx.Root, scratch, mr, message, commands, timeout), CancellationToken.None));
            report.Add($"{ticket.Id}: merging {mr.Branch} into {mr.Target}");
            return; // one at a time, in order
        }
    }

    private async Task LandedAsync(MergeRequest mr, Ticket ticket, Task<MergeOutcome> task, TickReport report, CancellationToken ct)
    {
        var now = _ctx.Time.GetUtcNow();
        var outcome = task.IsCompletedSuccessfully ? task.Result : new MergeOutcome(MergeOutcome.Retry, "the merge could not run: " + task.Exception?.GetBaseException().Message);
        switch (outcome.Result)
        {
            case MergeOutcome.Merged:
                var done = _ctx.Tickets.Mutate(ticket.Number, t => new TicketMutation(
                    t with { Status = TicketStatus.Done, UpdatedAt = now, FinishedAt = now },
                    [
                        Dispatcher.Event(t, EventTypes.PrMerged, $"{t.Id}: {outcome.Detail}", now, metadata: new Dictionary<string, string> { ["commit"] = outcome.Commit ?? "", ["target"] = mr.Target }),
                        Dispatcher.Event(t, EventTypes.TaskCompleted, $"{t.Id} done", now),
                    ])
                {
                    MergeRequest = mr with { Status = "merged", Detail = outcome.Commit, UpdatedAt = now },
                });
                _ctx.TicketService.WriteResult(done);
                await _life.CleanUpAsync(done, ct).ConfigureAwait(false);
                report.Add($"{ticket.Id}: {outcome.Detail}");
                break;
            case MergeOutcome.Retry:
                report.Add($"{ticket.Id}: {outcome.Detail}");
                break;
            default:
                var current = _ctx.Tickets.Mutate(ticket.Number, t => new TicketMutation(t,
                    [Dispatcher.Event(t, EventTypes.MergeFailed, $"{t.Id}: {outcome.Detail}", now)])
                {
                    MergeRequest = mr with { Status = outcome.Result == MergeOutcome.Conflict ? "conflict" : "failed", Detail = outcome.Detail, UpdatedAt = now },
                });
                var details = outcome.Files is { Count: > 0 } files
                    ? $"Conflicting files: {string.Join(", ", files)}. Merge {mr.Target} into your branch (git merge {mr.Target}), resolve, and commit."
                    : Tail(outcome.Gate?.Output ?? "");
                await _life.SendBackAsync(current, outcome.Detail, details, ct).ConfigureAwait(false);
                report.Add($"{ticket.Id}: {outcome.Detail}");
                break;
        }
    }

    /// <summary>Finished tickets whose agent still runs, or whose worktree can go, are cleaned up.</summary>
    private async Task CleanUpAsync(CancellationToken ct)
    {
        var live = _ctx.Store.ListWorkers(includeKilled: false).Where(w => w.State.IsLive() && w.Ticket is not null).ToList();
        foreach (var w in live)
        {
            var t = _ctx.Tickets.GetTicket(w.Ticket!.Value);
            if (t is not null && (t.Status.IsFinished() || t.Assignee != w.Name))
            {
                await _life.CleanUpAsync(t.Assignee == w.Name ? t : t with { Assignee = w.Name }, ct).ConfigureAwait(false);
            }
        }
    }

    private static string Tail(string output)
    {
        var lines = output.TrimEnd().Split('\n');
        return string.Join('\n', lines.Skip(Math.Max(0, lines.Length - 30)));
    }
}
