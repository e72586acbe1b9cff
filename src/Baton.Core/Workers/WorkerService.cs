using System.Globalization;
using Baton.Core.Agents;
using Baton.Core.Events;
using Baton.Core.Processes;
using Baton.Core.Tmux;

namespace Baton.Core.Workers;

/// <summary>Talks to running workers: read their screen, type to them, stop them.</summary>
public sealed class WorkerService : IWorkerControl
{
    private static readonly TimeSpan ExitPoll = TimeSpan.FromMilliseconds(100);

    // How long an exit command may sit in the input line before Enter is pressed again.
    private static readonly TimeSpan ExitResubmit = TimeSpan.FromSeconds(1);
    private readonly WorkerContext _ctx;

    public WorkerService(WorkerContext context)
    {
        _ctx = context;
    }

    /// <summary>Who asked (`cli`, `dashboard`), recorded as `by` on the events of a send or a kill; none for the autopilot's own.</summary>
    public string? Actor { get; init; }

    /// <summary>The last <paramref name="lines"/> lines of the worker's screen (or headless log), secrets redacted.</summary>
    public string Capture(string name, int lines)
    {
        if (lines is < 1 or > 100_000)
        {
            throw BatonException.Usage($"--lines must be between 1 and 100000, not {lines}");
        }

        var worker = _ctx.RequireWorker(name);
        string text;
        if (worker.Mode == WorkerMode.Headless)
        {
            // Logs can grow large: only the end that can hold the lines asked for is read.
            text = worker.LogPath is not null && _ctx.Files.FileExists(worker.LogPath) ? _ctx.Files.ReadTail(worker.LogPath, (long)lines * 400 + 4096) : "";
        }
        else
        {
            var tmux = _ctx.Tmux(worker.Socket);
            if (FindOwnSession(tmux, worker) is null)
            {
                throw new BatonException($"worker '{name}' has no tmux session any more (state {worker.State.ToText()}): nothing to capture");
            }

            text = tmux.Capture(worker.Session!, lines);
        }

        return _ctx.Redactor.Redact(LastLines(text, lines));
    }

    /// <summary>Types a message to a live worker and submits it; the outcome is recorded.</summary>
    public async Task<TypingOutcome> SendAsync(string name, string message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Length == 0)
        {
            throw BatonException.Usage("the message is empty: say what to send, for example `baton send NAME \"run the tests\"`");
        }

        var (worker, tmux) = Reachable(name);
        var profile = _ctx.Profiles.Get(worker.Agent);
        var outcome = await _ctx.Typer().SubmitAsync(tmux, worker.Session!, profile, message, ct).ConfigureAwait(false);
        new WorkerSpawner(_ctx).RecordTyping(worker, outcome, EventTypes.WorkerMessageSent, message.Length, Actor);
        return outcome;
    }

    public void PressKeys(Worker worker, IReadOnlyList<string> keys)
    {
        ArgumentNullException.ThrowIfNull(worker);
        using (_ctx.Locks.Acquire(worker.Session ?? throw new BatonException($"worker '{worker.Name}' has no tmux session"), TimeSpan.FromSeconds(10)))
        {
            _ctx.Tmux(worker.Socket).SendKeys(worker.Session, keys);
        }
    }

    public string Screen(Worker worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        return _ctx.Tmux(worker.Socket).Capture(worker.Session ?? throw new BatonException($"worker '{worker.Name}' has no tmux session"));
    }

    public void StopProcess(Worker worker, TimeSpan grace)
    {
        ArgumentNullException.ThrowIfNull(worker);
        if (worker.Pid is { } pid && _ctx.Headless.IsAlive(pid))
        {
            _ctx.Headless.Stop(pid, grace);
        }
    }

    /// <summary>Adds `by` (who asked) to an event's fields when someone did.</summary>
    internal static Dictionary<string, string> WithActor(Dictionary<string, string> fields, string? actor)
    {
        if (actor is not null)
        {
            fields["by"] = actor;
        }

        return fields;
    }

    /// <summary>Throws, saying why, unless the worker has a running agent that can be typed to.</summary>
    public void EnsureReachable(string name) => Reachable(name);

    private (Worker Worker, ITmux Tmux) Reachable(string name)
    {
        var worker = _ctx.RequireWorker(name);
        if (worker.Mode == WorkerMode.Headless)
        {
            throw new BatonException($"worker '{name}' runs headless and takes no typed input; spawn it without --headless to talk to it");
        }

        if (!worker.State.IsLive())
        {
            throw new BatonException($"worker '{name}' is {worker.State.ToText()}: it can no longer take messages");
        }

        var tmux = _ctx.Tmux(worker.Socket);
        if (FindOwnSession(tmux, worker) is not { PaneDead: false })
        {
            throw new BatonException($"worker '{name}' has no running agent (its session is gone or the agent exited): see `baton list`");
        }

        return (worker, tmux);
    }

    /// <summary>Asks the agent to exit with its profile's command, waits a bounded time, then ends the session.</summary>
    public async Task<KillOutcome> KillAsync(string name, CancellationToken ct)
    {
        var worker = _ctx.RequireWorker(name);
        var outcomes = await KillManyAsync([worker], ct).ConfigureAwait(false);
        return outcomes[0];
    }

    public async Task<KillOutcome> EndAsync(string name, TimeSpan turnWait, CancellationToken ct)
    {
        var worker = _ctx.RequireWorker(name);
        if (turnWait > TimeSpan.Zero && worker.Mode == WorkerMode.Tmux && worker.State.IsLive() && worker.Session is not null)
        {
            await WaitForTurnEndAsync(worker, turnWait, ct).ConfigureAwait(false);
        }

        var outcomes = await KillManyAsync([_ctx.Store.GetWorker(name) ?? worker], ct).ConfigureAwait(false);
        return outcomes[0];
    }

    /// <summary>
    /// Until the agent's turn is over, bounded: the last state its hooks spooled is not busy (a
    /// Stop), or its screen reads idle or waiting, or its pane is gone. An agent whose last tool call
    /// was `baton ticket done` is still in that turn when the autopilot ends it; an exit command
    /// typed then lands in the middle of the turn.
    /// </summary>
    private async Task WaitForTurnEndAsync(Worker worker, TimeSpan limit, CancellationToken ct)
    {
        var tmux = _ctx.Tmux(worker.Socket);
        var profile = _ctx.Profiles.Get(worker.Agent);
        var deadline = _ctx.Time.GetUtcNow() + limit;
        while (true)
        {
            try
            {
                if (_ctx.Spool is { } spool && spool.Read(worker.Name, worker.HookOffset).Records.LastOrDefault(r => r.State is not null) is { } last)
                {
                    if (last.State != WorkerState.Busy)
                    {
                        return;
                    }
                }
                else if (FindOwnSession(tmux, worker) is not { PaneDead: false })
                {
                    return;
                }
                else if (ScreenClassifier.Classify(profile, tmux.Capture(worker.Session!)).State is WorkerState.Idle or WorkerState.Waiting)
                {
                    return;
                }
            }
            catch (BatonException e) when (e is TmuxException or ProcessTimedOutException)
            {
                return; // tmux refused or hung: the kill decides
            }

            if (_ctx.Time.GetUtcNow() >= deadline)
            {
                return;
            }

            await Task.Delay(ExitPoll, _ctx.Time, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Ends every worker Baton started and nothing else: a session counts as Baton's only when the
    /// store has a worker for it and the session carries that worker's <c>@baton-worker</c> tag.
    /// </summary>
    public Task<IReadOnlyList<KillOutcome>> KillAllAsync(CancellationToken ct) =>
        KillManyAsync(_ctx.Store.ListWorkers(includeKilled: false), ct);

    private async Task<IReadOnlyList<KillOutcome>> KillManyAsync(IReadOnlyList<Worker> workers, CancellationToken ct)
    {
        // Ask every agent to leave first, then wait for all of them together, so killing 50
        // workers costs one exit timeout, not fifty.
        var pending = new List<(Worker Worker, ITmux? Tmux, bool Asked)>();
        var listed = new Dictionary<string, IReadOnlyList<TmuxSession>>(StringComparer.Ordinal); // one list-sessions per server
        foreach (var worker in workers)
        {
            if (worker.Mode == WorkerMode.Headless)
            {
                pending.Add((worker, null, false));
                continue;
            }

            var tmux = _ctx.Tmux(worker.Socket);
            if (!listed.TryGetValue(worker.Socket ?? "", out var sessions))
            {
                listed[worker.Socket ?? ""] = sessions = tmux.ListSessions();
            }

            var session = Own(sessions, worker);
            var asked = false;
            if (session is { PaneDead: false })
            {
                var profile = _ctx.Profiles.Get(worker.Agent);
                if (profile.ExitCommand.Length > 0)
                {
                    using (_ctx.Locks.Acquire(worker.Session!, TimeSpan.FromSeconds(10)))
                    {
                        tmux.SendLiteral(worker.Session!, profile.ExitCommand);
                        tmux.SendKeys(worker.Session!, ["Enter"]);
                    }

                    asked = true;
                    _ctx.Store.AppendEvent(WorkerEvents.For(worker, EventTypes.WorkerExitRequested, $"typed '{profile.ExitCommand}'", _ctx.Time.GetUtcNow()));
                }
            }

            pending.Add((worker, session is null ? null : tmux, asked));
        }

        var grace = pending.Where(p => p.Asked).Select(p => _ctx.Profiles.Get(p.Worker.Agent).ExitTimeout).DefaultIfEmpty(TimeSpan.Zero).Max();
        var deadline = _ctx.Time.GetUtcNow() + grace;
        var left = new HashSet<string>(StringComparer.Ordinal);
        var nextEnter = _ctx.Time.GetUtcNow() + ExitResubmit;
        while (pending.Any(p => p.Asked && !left.Contains(p.Worker.Name)) && _ctx.Time.GetUtcNow() < deadline)
        {
            await Task.Delay(ExitPoll, _ctx.Time, ct).ConfigureAwait(false);
            var resubmit = _ctx.Time.GetUtcNow() >= nextEnter;
            foreach (var group in pending.Where(p => p.Asked && !left.Contains(p.Worker.Name)).GroupBy(p => p.Tmux!))
            {
                var sessions = group.Key.ListSessions().ToDictionary(s => s.Name, StringComparer.Ordinal);
                foreach (var (worker, _, _) in group)
                {
                    if (!sessions.TryGetValue(worker.Session!, out var s) || s.PaneDead)
                    {
                        left.Add(worker.Name);
                    }
                    else if (resubmit)
                    {
                        ResubmitExit(group.Key, worker);
                    }
                }
            }

            nextEnter = resubmit ? _ctx.Time.GetUtcNow() + ExitResubmit : nextEnter;
        }

        var results = new List<KillOutcome>();
        var changes = new List<Storage.WorkerChange>();
        foreach (var (worker, tmux, asked) in pending)
        {
            var now = _ctx.Time.GetUtcNow();
            string how;
            if (worker.Mode == WorkerMode.Headless)
            {
                var alive = worker.Pid is { } pid && _ctx.Headless.IsAlive(pid);
                if (alive)
                {
                    _ctx.Headless.Stop(worker.Pid!.Value, _ctx.Profiles.Get(worker.Agent).ExitTimeout);
                }

                how = alive ? $"stopped process {worker.Pid}" : "process had already ended";
            }
            else if (tmux is null)
            {
                how = "session was already gone";
            }
            else
            {
                tmux.KillSession(worker.Session!);
                StopLeftovers(worker);
                how = asked
                    ? left.Contains(worker.Name) ? "agent exited on request; session removed" : "agent did not exit in time; session killed"
                    : "session killed";
            }

            var killedEvent = WorkerEvents.For(worker, EventTypes.WorkerKilled, how, now, WithActor(new Dictionary<string, string>
            {
                ["graceful"] = left.Contains(worker.Name) ? "true" : "false",
                ["previous_state"] = worker.State.ToText(),
            }, Actor));
            Record(worker, how, killedEvent, now);
            changes.Add(new(worker, killedEvent));
            results.Add(new KillOutcome(worker.Name, how, left.Contains(worker.Name)));
        }

        foreach (var change in changes)
        {
            ReleaseFiles(change.Worker.Name);
        }

        return results;
    }

    /// <summary>
    /// The agent's processes that outlived its session (the hang-up a killed pane sends is ignored
    /// by some: Gemini CLI's node kept running, orphaned, holding its terminal): found by the
    /// worker's name and this repository's store in their environment, never by a reused pid.
    /// </summary>
    private void StopLeftovers(Worker worker)
    {
        if (_ctx.Processes is not { } processes)
        {
            return;
        }

        var left = processes.WithVariables(new Dictionary<string, string>
        {
            ["BATON_WORKER"] = worker.Name,
            ["BATON_DB"] = _ctx.Paths.Database,
        });
        if (left.Count > 0)
        {
            processes.Stop(left, TimeSpan.FromSeconds(2));
        }
    }

    /// <summary>
    /// Stores the worker as killed, with what its hooks spooled and its transcript held since the
    /// last look (its usage is never lost to the kill), on the row as read just before: a monitor
    /// taking in the same spool meanwhile makes this re-read and try again, so nothing counts twice.
    /// </summary>
    private void Record(Worker worker, string how, Events.EventRecord killedEvent, DateTimeOffset now)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var current = _ctx.Store.GetWorker(worker.Name) ?? worker;
            var (read, hooks, usage) = _ctx.Spool is { } spool
                ? new Monitoring.WorkerMonitor(_ctx.Store, _ctx.Tmux, _ctx.Profiles, _ctx.Headless, _ctx.Time, spool, _ctx.Redactor).TakeFinal(current)
                : (current, [], null);
            var killed = read with { State = WorkerState.Killed, Evidence = $"kill: {how}", StateSince = now, EndedAt = now };
            if (_ctx.Store.UpdateWorkers([new(killed, killedEvent, current) { Before = hooks, Usage = usage }]) == 1)
            {
                return;
            }
        }

        var last = _ctx.Store.GetWorker(worker.Name) ?? worker;
        _ctx.Store.UpdateWorkers([new(last with { State = WorkerState.Killed, Evidence = $"kill: {how}", StateSince = now, EndedAt = now }, killedEvent)]);
    }

    private static TmuxSession? FindOwnSession(ITmux tmux, Worker worker) =>
        worker.Session is null ? null : Own(tmux.ListSessions(), worker);

    /// <summary>The worker's session, only if it carries the worker's own tag (not a foreign one of the same name).</summary>
    private static TmuxSession? Own(IReadOnlyList<TmuxSession> sessions, Worker worker) =>
        sessions.FirstOrDefault(s => s.Name == worker.Session && s.BatonWorker == worker.Name);

    internal static string LastLines(string text, int lines)
    {
        var all = text.Replace("\r", "", StringComparison.Ordinal).TrimEnd('\n', ' ').Split('\n');
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }

    /// <summary>
    /// Presses Enter again when the exit command still sits in the agent's input line: Codex takes
    /// an Enter that follows fast typing as part of a paste, and leaves "/quit" typed but unsent.
    /// </summary>
    private void ResubmitExit(ITmux tmux, Worker worker)
    {
        var profile = _ctx.Profiles.Get(worker.Agent);
        try
        {
            if (ScreenClassifier.InputText(profile.Screen, tmux.Capture(worker.Session!))?.Trim() == profile.ExitCommand)
            {
                tmux.SendKeys(worker.Session!, ["Enter"]);
            }
        }
        catch (BatonException e) when (e is TmuxException or ProcessTimedOutException)
        {
            // tmux refused (the session went away meanwhile) or hung: the next look sees it gone.
        }
    }

    // A context file written for the worker goes with it; a failure here never undoes the kill.
    private void ReleaseFiles(string worker)
    {
        try
        {
            _ctx.RoleSetup().Release(worker);
        }
        catch (Exception e) when (e is BatonException or IOException or UnauthorizedAccessException)
        {
            _ctx.Store.AppendEvent(new Events.EventRecord { Time = _ctx.Time.GetUtcNow(), Type = EventTypes.AutopilotError, Worker = worker, Message = "could not remove the context file written for it: " + e.Message });
        }
    }
}

public sealed record KillOutcome(string Worker, string How, bool Graceful)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Worker}: {How}");
}
