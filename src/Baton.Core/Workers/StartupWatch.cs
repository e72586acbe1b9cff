using System.Globalization;
using Baton.Core.Agents;
using Baton.Core.Events;
using Baton.Core.Processes;
using Baton.Core.Security;
using Baton.Core.Storage;
using Baton.Core.Tmux;

namespace Baton.Core.Workers;

/// <summary>
/// A new agent's start in its tmux session: start-up dialogs (trust this folder?) answered once
/// the screen settled, then the ready prompt, held for the profile's ready_settle. Every wait goes
/// through the <see cref="TimeProvider"/>, so the rules are tested on a fake clock.
/// </summary>
public sealed class StartupWatch
{
    private static readonly TimeSpan MaxReadyPoll = TimeSpan.FromMilliseconds(40);

    // Claude Code 2.1.330 draws its trust dialog a moment before it takes keys: an answer at first
    // sight is lost (seen every time) and costs the 2 s retry below. A dialog is answered once the
    // screen has stood still this long, or, on a screen that never stops moving, after the cap.
    private static readonly TimeSpan DialogSettle = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan DialogSettleCap = TimeSpan.FromMilliseconds(1500);

    private readonly IStore _store;
    private readonly Redactor _redactor;
    private readonly TimeProvider _time;

    public StartupWatch(IStore store, Redactor redactor, TimeProvider time)
    {
        _store = store;
        _redactor = redactor;
        _time = time;
    }

    /// <summary>
    /// Answers start-up dialogs and waits for the ready prompt, within the profile's ready_timeout;
    /// returns the worker as idle (stored), or throws when the agent exited or never got ready.
    /// </summary>
    public async Task<Worker> WaitReadyAsync(ITmux tmux, Worker worker, AgentProfile profile, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tmux);
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentNullException.ThrowIfNull(profile);
        var deadline = _time.GetUtcNow() + profile.ReadyTimeout;
        var answered = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var screen = "";
        var stillSince = _time.GetUtcNow();
        DateTimeOffset? dialogSince = null;
        DateTimeOffset? readySince = null;
        // Most agents are ready within a few hundred milliseconds: look often at first, then back off.
        var poll = TimeSpan.FromMilliseconds(5);
        while (true)
        {
            // Look at the screen first: a ready agent is recognised with one tmux call. Only a
            // screen that says nothing yet makes us ask whether the agent is still alive.
            var previous = screen;
            var (verdict, ended, info) = LookAtStart(tmux, worker, profile, ref screen);
            if (screen != previous)
            {
                stillSince = _time.GetUtcNow();
            }

            if (ended)
            {
                var code = info?.PaneDeadStatus;
                // With its history: a dead pane's visible screen can hold only tmux's "Pane is dead"
                // line, the agent's own error having scrolled above it.
                var last = info is null ? screen : tmux.Capture(worker.Session!, historyLines: 200);
                var over = worker with
                {
                    State = info is null ? WorkerState.Lost : WorkerState.Exited,
                    ExitCode = code,
                    Evidence = info is null ? "spawn: session vanished before the agent was ready" : $"spawn: agent exited with code {code} before it was ready",
                    StateSince = _time.GetUtcNow(),
                    EndedAt = _time.GetUtcNow(),
                };
                _store.UpdateWorkers([new(over, WorkerEvents.For(worker, EventTypes.WorkerSpawnFailed, over.Evidence!, over.StateSince), worker)]);
                throw new BatonException($"agent '{profile.Name}' in worker '{worker.Name}' exited (code {code?.ToString(CultureInfo.InvariantCulture) ?? "unknown"}) before it was ready; it said:\n{WorkerSpawner.LastWords(_redactor.Redact(last), 10)}");
            }

            var now = _time.GetUtcNow();
            dialogSince = verdict.StartupRule is null ? null : dialogSince ?? now;
            // The prompt counts as ready only once it has held for the profile's ready_settle_ms.
            readySince = verdict.StartupRule is null && verdict.State == WorkerState.Idle ? readySince ?? now : null;
            if (verdict.StartupRule is { } ruleName)
            {
                // Answer each dialog once it has settled, and again only if it is still there two
                // seconds later (the keys may still have arrived before the dialog took input).
                var settled = now - stillSince >= DialogSettle || now - dialogSince >= DialogSettleCap;
                if (settled && (!answered.TryGetValue(ruleName, out var at) || now - at > TimeSpan.FromSeconds(2)))
                {
                    var rule = profile.Startup.First(r => r.Name == ruleName);
                    tmux.SendKeys(worker.Session!, rule.Keys);
                    answered[ruleName] = now;
                    _store.AppendEvent(WorkerEvents.For(worker, EventTypes.WorkerStartupAnswered,
                        $"answered start-up dialog '{ruleName}' with {string.Join(' ', rule.Keys)}", now));
                }
            }
            else if (verdict.State == WorkerState.Idle && now - readySince >= profile.ReadySettle)
            {
                var ready = worker with { State = WorkerState.Idle, Evidence = verdict.Evidence, StateSince = now, ObservedAt = now };
                // The event is history whatever happened meanwhile; the row only if nobody changed it.
                _store.AppendEvent(WorkerEvents.For(worker, EventTypes.WorkerReady, verdict.Evidence, now));
                return _store.UpdateWorkers([new(ready, null, worker)]) == 1 ? ready : _store.GetWorker(worker.Name) ?? ready;
            }

            if (now >= deadline)
            {
                _store.AppendEvent(WorkerEvents.For(worker, EventTypes.WorkerSpawnFailed,
                    $"no ready prompt within {profile.ReadyTimeout.TotalSeconds:0}s; last verdict: {verdict.Evidence}", now));
                throw new BatonException(
                    $"agent '{profile.Name}' in worker '{worker.Name}' did not show its ready prompt within {profile.ReadyTimeout.TotalSeconds:0}s; " +
                    $"it is still running: look with `baton capture {worker.Name}`, or raise ready_timeout in the profile");
            }

            await Task.Delay(poll, _time, ct).ConfigureAwait(false);
            poll = TimeSpan.FromTicks(Math.Min(poll.Ticks * 2, MaxReadyPoll.Ticks));
        }
    }

    /// <summary>One look at a starting agent: its screen, and only when that says nothing, its liveness.</summary>
    private static (ScreenVerdict Verdict, bool Ended, TmuxSession? Session) LookAtStart(ITmux tmux, Worker worker, AgentProfile profile, ref string screen)
    {
        try
        {
            screen = tmux.Capture(worker.Session!);
        }
        catch (BatonException e) when (e is TmuxException or ProcessTimedOutException)
        {
            // The session vanished (or tmux failed): the liveness check below tells which.
            screen = "";
        }

        var verdict = ScreenClassifier.Classify(profile, screen);
        if (verdict.State is not null)
        {
            return (verdict, false, null);
        }

        var info = tmux.ListSessions().FirstOrDefault(s => s.Name == worker.Session);
        return (verdict, info is null || info.PaneDead, info);
    }
}
