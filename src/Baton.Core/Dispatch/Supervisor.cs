using System.Globalization;
using Baton.Core.Agents;
using Baton.Core.Config;
using Baton.Core.Events;
using Baton.Core.Files;
using Baton.Core.Git;
using Baton.Core.Monitoring;
using Baton.Core.Roles;
using Baton.Core.Security;
using Baton.Core.Storage;
using Baton.Core.Tickets;
using Baton.Core.Workers;

namespace Baton.Core.Dispatch;

/// <summary>
/// Looks after each ticket in progress through its worker's state, which the monitor decided from
/// the best evidence (dead session or process, hooks, screen, activity): it answers or reports
/// permission questions, nudges a stalled agent and asks an idle one for its status, restarts or
/// fails after the last nudge, pauses an agent at its usage limit and resumes it at the reset,
/// stops a ticket past its time limit, and sends a crashed or lost one to the retry policy (or
/// to the gate when the agent exited 0 with commits).
/// </summary>
public sealed class Supervisor
{
    private readonly AutopilotConfig _config;
    private readonly TimeProvider _time;
    private readonly ITicketStore _tickets;
    private readonly IStore _store;
    private readonly IGitHistory _history;
    private readonly IWorkerControl _workers;
    private readonly IAgentProfiles _profiles;
    private readonly Func<IRoleCatalog> _roles;
    private readonly Redactor _redactor;
    private readonly TicketLifecycle _life;
    private readonly IFiles _files;

    // Idle spells already read for a usage limit (keyed by worker and the time its state began),
    // and the last question answered or reported per worker. Owned by the loop.
    private readonly HashSet<string> _handled = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string? Evidence, DateTimeOffset At, DateTimeOffset Pressed, int Presses)> _questions = new(StringComparer.Ordinal);
    private static readonly TimeSpan QuestionMemory = TimeSpan.FromSeconds(10);

    // An agent's hook can announce a question before its TUI draws the dialog (Gemini CLI's
    // Notification, Claude Code's PermissionRequest): keys pressed that early are lost and the
    // agent waits for ever. A question still up this long after the answer is answered again.
    private static readonly TimeSpan ApproveAgainAfter = TimeSpan.FromSeconds(8);
    private const int MaxApprovals = 3;

    public Supervisor(AutopilotConfig config, TimeProvider time, ITicketStore tickets, IStore store, IGitHistory history, IWorkerControl workers,
        IAgentProfiles profiles, Func<IRoleCatalog> roles, Redactor redactor, TicketLifecycle life, IFiles files)
    {
        _config = config;
        _time = time;
        _tickets = tickets;
        _store = store;
        _history = history;
        _workers = workers;
        _profiles = profiles;
        _roles = roles;
        _redactor = redactor;
        _life = life;
        _files = files;
    }

    public async Task SuperviseAsync(Ticket ticket, WorkerView? view, TickReport report, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var now = _time.GetUtcNow();
        var worker = view?.Worker;
        if (worker is null || !worker.State.IsLive())
        {
            Gone(ticket, worker, report);
            return;
        }

        if (ticket.TimeLimitMinutes is { } limit && ticket.StartedAt is { } started && now - started > TimeSpan.FromMinutes(limit))
        {
            await _life.StopAsync(ticket, $"past its time limit of {limit} min", EventTypes.TaskTimeLimit, ct).ConfigureAwait(false);
            report.Add("time_limit", ticket.Id, ticket.Assignee, $"{ticket.Id} stopped: past its time limit of {limit} min");
            return;
        }

        if (worker.State != WorkerState.Waiting && _questions.TryGetValue(worker.Name, out var asked) && now - asked.At > QuestionMemory)
        {
            _questions.Remove(worker.Name);
        }

        // Progress since the last nudge (a hook call, the agent's own ticket report) starts the count again.
        if (ticket.Nudges > 0 && ticket.NudgedAt is { } nudged && Max(worker.Hook?.At, ticket.UpdatedAt) > nudged)
        {
            ticket = _tickets.Mutate(ticket.Number, t => new TicketMutation(t with { Nudges = 0, NudgedAt = null }, []));
        }

        switch (worker.State)
        {
            case WorkerState.Paused:
                await ResumeIfDueAsync(ticket, worker, now, report, ct).ConfigureAwait(false);
                break;
            case WorkerState.Waiting:
                await PermissionAsync(ticket, worker, report, ct).ConfigureAwait(false);
                break;
            case WorkerState.Idle:
                if (!PauseIfLimited(ticket, worker, now, report))
                {
                    var quietSince = Max(worker.StateSince, ticket.NudgedAt);
                    if (now - quietSince >= _config.IdleAfter)
                    {
                        await NudgeAsync(ticket, worker, idle: true, report, ct).ConfigureAwait(false);
                    }
                }

                break;
            case WorkerState.Busy or WorkerState.Starting:
                // Progress: a new state, a hook call (real agents report every tool use), the
                // agent's own ticket report, or our last nudge. A spinner's redraw is not progress.
                var progress = Max(Max(worker.StateSince, worker.Hook?.At), Max(ticket.NudgedAt, ticket.UpdatedAt));
                if (now - progress >= _config.StallAfter)
                {
                    await NudgeAsync(ticket, worker, idle: false, report, ct).ConfigureAwait(false);
                }

                break;
        }
    }

    /// <summary>Profiles held back because one of their workers is paused at its usage limit, with why.</summary>
    public static IReadOnlyDictionary<string, string> PausedAgents(IEnumerable<Worker> workers)
    {
        var held = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var w in workers.Where(w => w.State == WorkerState.Paused))
        {
            held[w.Agent] = $"agent {w.Agent} is at its usage limit until {w.PausedUntil?.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture) ?? "its reset"}";
        }

        return held;
    }

    private void Gone(Ticket ticket, Worker? worker, TickReport report)
    {
        if (worker is { State: WorkerState.Exited, ExitCode: 0 } && ticket.Worktree is not null && ticket.Target is not null
            && _files.DirectoryExists(ticket.Worktree) && _history.CommitsAhead(ticket.Worktree, ticket.Target, "HEAD") is var ahead and > 0)
        {
            _life.ToGate(ticket, $"{worker.Name} exited 0 with {ahead} commit{(ahead == 1 ? "" : "s")} on {ticket.Branch}");
            report.Add("exited_with_commits", ticket.Id, worker.Name, $"{ticket.Id}: {worker.Name} exited 0 with commits; gate next");
            return;
        }

        var why = worker is null ? $"its worker {ticket.Assignee} is gone (never started, or removed)"
            : worker.State == WorkerState.Exited ? $"{worker.Name} exited with code {worker.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "unknown"}" + (worker.ExitCode == 0 ? " without commits" : "")
            : $"{worker.Name} is {worker.State.ToText()}: {worker.Evidence}";
        _life.Retry(ticket, why);
        report.Add("retry", ticket.Id, worker?.Name ?? ticket.Assignee, $"{ticket.Id}: {why}", new Dictionary<string, string> { ["reason"] = why });
    }

    private async Task PermissionAsync(Ticket ticket, Worker worker, TickReport report, CancellationToken ct)
    {
        // One answer or report per question: the same question stays handled for as long as it is
        // up (a screen that flickers between waiting and busy does not make it a new one); it is
        // forgotten once the worker has been out of waiting for a while (see SuperviseAsync).
        var now = _time.GetUtcNow();
        var role = worker.Role is null ? null : _roles().GetRole(worker.Role);
        var approve = role?.AutoApprove == true && worker.Session is not null;
        var again = false;
        if (_questions.TryGetValue(worker.Name, out var last) && last.Evidence == worker.Evidence)
        {
            again = approve && last.Presses is > 0 and < MaxApprovals && now - last.Pressed >= ApproveAgainAfter;
            if (!again)
            {
                _questions[worker.Name] = last with { At = now };
                return;
            }
        }

        var presses = again ? last.Presses + 1 : approve ? 1 : 0;
        _questions[worker.Name] = (worker.Evidence, now, approve ? now : default, presses);
        if (approve)
        {
            var profile = _profiles.Get(worker.Agent);
            await Task.Run(() => _workers.PressKeys(worker, profile.ApproveKeys), ct).ConfigureAwait(false);
            var note = again ? $" (again, answer {presses} of {MaxApprovals}: the question was still up {(now - last.Pressed).TotalSeconds:0} s after the last one)" : "";
            _store.AppendEvent(Dispatcher.Event(ticket, EventTypes.PermissionApproved,
                $"{worker.Name}: permission question approved by policy (role {role!.Name} has auto_approve){note}: {worker.Evidence}", now, worker.Name));
            report.Add("approved", ticket.Id, worker.Name, $"{ticket.Id}: approved {worker.Name}'s permission question (auto_approve){note}");
            return;
        }

        _store.AppendEvent(Dispatcher.Event(ticket, EventTypes.Notification,
            $"{worker.Name} ({ticket.Id}) waits for a human: {worker.Evidence}. Look with `baton capture {worker.Name}`, answer with `baton send {worker.Name} ...`", now, worker.Name,
            new Dictionary<string, string> { ["kind"] = "needs_human" }));
        report.Add("needs_human", ticket.Id, worker.Name, $"{ticket.Id}: {worker.Name} needs a human (permission question)");
    }

    private async Task NudgeAsync(Ticket ticket, Worker worker, bool idle, TickReport report, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        if (ticket.Nudges >= _config.MaxNudges)
        {
            var s = ticket.Nudges == 1 ? "" : "s";
            var why = idle ? $"idle without reporting after {ticket.Nudges} status request{s}" : $"no progress after {ticket.Nudges} nudge{s}";
            if (_config.OnStall == Config.StallPolicy.Fail)
            {
                await _life.StopAsync(ticket, why, EventTypes.TaskFailed, ct).ConfigureAwait(false);
                report.Add("failed", ticket.Id, worker.Name, $"{ticket.Id} failed: {why}", new Dictionary<string, string> { ["reason"] = why });
            }
            else
            {
                await _life.RestartAsync(ticket, worker, why, ct).ConfigureAwait(false);
                report.Add("restarted", ticket.Id, worker.Name, $"{ticket.Id}: restarting {worker.Name}: {why}", new Dictionary<string, string> { ["reason"] = why });
            }

            return;
        }

        var text = NudgeText.For(ticket.Id, idle, _config.StallAfter);
        try
        {
            await _workers.SendAsync(worker.Name, text, ct).ConfigureAwait(false);
        }
        catch (BatonException e)
        {
            // Not delivered (a headless agent cannot be typed to; a session that just died): not
            // counted, but the stall policy still applies to a headless agent.
            report.Add("unreachable", ticket.Id, worker.Name, $"{ticket.Id}: could not reach {worker.Name}: {e.Message}");
            if (worker.Mode == WorkerMode.Headless)
            {
                _tickets.Mutate(ticket.Number, t => new TicketMutation(t with { Nudges = _config.MaxNudges, NudgedAt = now }, []));
            }

            return;
        }

        _tickets.Mutate(ticket.Number, t => new TicketMutation(t with { Nudges = t.Nudges + 1, NudgedAt = now },
            [Dispatcher.Event(t, idle ? EventTypes.WorkerStatusAsked : EventTypes.WorkerNudged, $"{worker.Name} {(idle ? "asked for its status" : "nudged")} ({t.Nudges + 1}/{_config.MaxNudges})", now, worker.Name)]));
        report.Add(idle ? "asked" : "nudged", ticket.Id, worker.Name, $"{ticket.Id}: {(idle ? "asked" : "nudged")} {worker.Name} ({ticket.Nudges + 1}/{_config.MaxNudges})");
    }

    /// <summary>Reads an idle agent's screen once per idle spell for its usage-limit message; pauses it until the reset when found.</summary>
    private bool PauseIfLimited(Ticket ticket, Worker worker, DateTimeOffset now, TickReport report)
    {
        if (worker.Session is null || !_handled.Add($"limit:{worker.Name}:{worker.StateSince.UtcTicks}"))
        {
            return false;
        }

        var profile = _profiles.Get(worker.Agent);
        if (profile.Screen.UsageLimit is not { } pattern)
        {
            return false;
        }

        string screen;
        try
        {
            screen = WorkerSpawner.Tail(_workers.Screen(worker), 12);
        }
        catch (BatonException)
        {
            return false;
        }

        var line = screen.Split('\n').LastOrDefault(l => pattern.IsMatch(l));
        if (line is null || !_handled.Add($"limit-line:{worker.Name}:{line.Trim()}"))
        {
            // No limit message, or the one this worker was already paused for, still on screen
            // after its resume.
            return false;
        }

        var reset = ResetTime.Parse(line, now, TimeZoneInfo.Local) ?? now + UsageLimitPause.DefaultWait;
        UsageLimitPause.Pause(_store, worker, reset, "screen: " + _redactor.Redact(line.Trim()), now);
        report.Add("paused", ticket.Id, worker.Name, $"{ticket.Id}: {worker.Name} paused at its usage limit until {reset.ToLocalTime():HH:mm:ss}");
        return true;
    }

    private async Task ResumeIfDueAsync(Ticket ticket, Worker worker, DateTimeOffset now, TickReport report, CancellationToken ct)
    {
        if (worker.PausedUntil is { } until && until > now)
        {
            return;
        }

        if (worker.Mode == WorkerMode.Headless)
        {
            // A headless agent cannot be typed to: its run ended at the limit (or still winds
            // down). It ends here, and the ticket goes to the retry policy on the next tick.
            var over = worker with { State = WorkerState.Exited, PausedUntil = null, StateSince = now, EndedAt = now, Evidence = "autopilot: usage limit reset; the headless run is over" };
            _store.UpdateWorkers([new(over, WorkerEvents.For(worker, EventTypes.WorkerResumed, $"{worker.Name}: usage limit reset; {ticket.Id} starts again", now), worker)]);
            _workers.StopProcess(worker, TimeSpan.FromSeconds(5));

            report.Add("usage_limit_reset", ticket.Id, worker.Name, $"{ticket.Id}: {worker.Name}'s usage limit reset; the ticket starts again");
            return;
        }

        var resumed = worker with { State = WorkerState.Idle, PausedUntil = null, StateSince = now, Evidence = "autopilot: usage limit reset" };
        _store.UpdateWorkers([new(resumed, WorkerEvents.For(worker, EventTypes.WorkerResumed, $"{worker.Name} resumed: its usage limit has reset", now), worker)]);
        try
        {
            await _workers.SendAsync(worker.Name, $"Your usage limit has reset. Continue with {ticket.Id} where you left off.", ct).ConfigureAwait(false);
            report.Add("resumed", ticket.Id, worker.Name, $"{ticket.Id}: {worker.Name} resumed after its usage limit");
        }
        catch (BatonException e)
        {
            report.Add("resume_failed", ticket.Id, worker.Name, $"{ticket.Id}: could not resume {worker.Name}: {e.Message}");
        }
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset? b) => b is { } x && x > a ? x : a;

    private static DateTimeOffset Max(DateTimeOffset? a, DateTimeOffset? b) => Max(a ?? DateTimeOffset.MinValue, b);
}
