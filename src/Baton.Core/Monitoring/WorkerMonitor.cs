using Baton.Core.Agents;
using Baton.Core.Agents.Streams;
using Baton.Core.Events;
using Baton.Core.Security;
using Baton.Core.Storage;
using Baton.Core.Tmux;
using Baton.Core.Usage;
using Baton.Core.Workers;

namespace Baton.Core.Monitoring;

/// <summary>
/// Looks at every worker and stores what changed, with its evidence. Built for being called often
/// (every `baton list`, every daemon tick): one `tmux list-sessions` for all workers, and a screen
/// capture only for panes that printed something since Baton last looked, or whose state may be
/// moving (starting, busy). All changes are written in one transaction.
/// </summary>
public sealed class WorkerMonitor
{
    private readonly IStore _store;
    private readonly Func<string?, ITmux> _tmux;
    private readonly IAgentProfiles _profiles;
    private readonly IHeadlessHost _headless;
    private readonly TimeProvider _time;
    private readonly IHookSpool _spool;
    private readonly Redactor _redactor;
    /// <summary>The metadata key of a worker_hook event that says when the hook ran (the event's time is when Baton took it in).</summary>
    public const string HookTimeKey = "hook_time";

    private static readonly TimeSpan StatusGrace = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan SpawnGrace = TimeSpan.FromSeconds(10);

    public WorkerMonitor(IStore store, Func<string?, ITmux> tmux, IAgentProfiles profiles, IHeadlessHost headless, TimeProvider time, IHookSpool spool, Redactor redactor)
    {
        _redactor = redactor;
        _spool = spool;
        _store = store;
        _tmux = tmux;
        _profiles = profiles;
        _headless = headless;
        _time = time;
    }

    /// <summary>Observes the workers, stores changes, and returns them with their tmux facts.</summary>
    /// <param name="only">Only these workers (a node's own: another node's agents run in a tmux this one cannot see); null: every one.</param>
    public IReadOnlyList<WorkerView> Refresh(bool includeKilled = false, Func<Worker, bool>? only = null)
    {
        var workers = only is null ? _store.ListWorkers(includeKilled) : _store.ListWorkers(includeKilled).Where(only).ToList();
        var now = _time.GetUtcNow();
        var views = new List<WorkerView>(workers.Count);
        var changes = new List<WorkerChange>();

        foreach (var group in workers.GroupBy(w => w.Socket))
        {
            var tmuxWorkers = group.Where(w => w.Mode == WorkerMode.Tmux && w.State.IsLive()).ToList();
            Dictionary<string, TmuxSession> sessions = [];
            IReadOnlyDictionary<string, string> screens = new Dictionary<string, string>();
            if (tmuxWorkers.Count > 0)
            {
                var tmux = _tmux(group.Key);
                sessions = tmux.ListSessions().ToDictionary(s => s.Name, StringComparer.Ordinal);
                var toCapture = tmuxWorkers
                    .Where(w => sessions.TryGetValue(w.Session!, out var s) && !s.PaneDead && NeedsLook(w, s))
                    .Select(w => w.Session!)
                    .ToList();
                screens = toCapture.Count > 0 ? tmux.CaptureMany(toCapture) : screens;
            }

            foreach (var worker in group)
            {
                TmuxSession? session = null;
                if (worker.Session is not null)
                {
                    sessions.TryGetValue(worker.Session, out session);
                }

                var (seenWorker, hookEvents, usage) = TakeHooks(worker, now);
                var updated = Observe(seenWorker, session, screens, now);
                if (!ReferenceEquals(updated.Worker, worker))
                {
                    changes.Add(new WorkerChange(updated.Worker, updated.Event, worker) { Before = hookEvents, Usage = usage });
                }

                views.Add(new WorkerView(updated.Worker, session));
            }
        }

        if (changes.Count > 0)
        {
            _store.UpdateWorkers(changes);
        }

        return views;
    }

    private static bool NeedsLook(Worker worker, TmuxSession session) =>
        worker.ObservedAt is null
        || worker.State is WorkerState.Starting or WorkerState.Busy
        || session.LastActivity + TimeSpan.FromSeconds(1) > worker.ObservedAt;

    /// <summary>
    /// Takes in what the agent reported through `baton hook` since the last look: each call becomes
    /// a worker_hook event, and the latest one with a state becomes the worker's hook signal. A hook
    /// that names its transcript (Claude Code's Stop) also brings the usage written since the last one.
    /// </summary>
    private (Worker Worker, IReadOnlyList<EventRecord> Events, UsageUpdate? Usage) TakeHooks(Worker worker, DateTimeOffset now)
    {
        if (!worker.State.IsLive())
        {
            return (worker, [], null);
        }

        var (records, offset) = _spool.Read(worker.Name, worker.HookOffset);
        if (records.Count == 0)
        {
            return CatchUp(worker, now);
        }

        return Take(worker, records, offset, now, final: false);
    }

    /// <summary>
    /// Everything a worker that is being ended left to take in: the hook calls spooled since the
    /// last look (Claude Code's Stop and SessionEnd name the transcript) and its transcript to the
    /// end (the agent is gone, so no turn is half written). Called by the kill whatever the
    /// worker's state, since the monitor looks only at live workers and would never read them.
    /// </summary>
    public (Worker Worker, IReadOnlyList<EventRecord> Events, UsageUpdate? Usage) TakeFinal(Worker worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        var now = _time.GetUtcNow();
        var (records, offset) = _spool.Read(worker.Name, worker.HookOffset);
        return Take(worker, records, offset, now, final: true);
    }

    private (Worker Worker, IReadOnlyList<EventRecord> Events, UsageUpdate? Usage) Take(Worker worker, IReadOnlyList<HookRecord> records, long offset, DateTimeOffset now, bool final)
    {

        var hook = worker.Hook;
        var events = new List<EventRecord>(records.Count);
        HookRecord? status = null;
        foreach (var r in records)
        {
            if (r.Event == ClaudeStatusLine.Event)
            {
                // Claude Code runs its status line on every update: a reading, not an event or a state.
                status = r.Status is null ? status : r;
                continue;
            }

            var evidence = $"hook: {r.Event}" + (r.Detail.Length > 0 ? $" ({r.Detail})" : "");
            // Recorded now, like every event, so the log's times follow its order; when the hook
            // ran (it waited in the spool until this look) is kept beside it.
            events.Add(new EventRecord
            {
                Time = now,
                Type = EventTypes.WorkerHook,
                Metadata = new Dictionary<string, string> { [HookTimeKey] = r.Time.ToString("O", System.Globalization.CultureInfo.InvariantCulture) },
                Worker = worker.Name,
                Ticket = worker.TicketId,
                Role = worker.Role,
                Message = evidence + (r.State is { } s ? " -> " + s.ToText() : ""),
            });
            if (r.State is { } state)
            {
                hook = new HookSignal(state, r.Time, evidence);
            }
        }

        if (final && (records.LastOrDefault(r => r.Transcript is not null)?.Transcript ?? worker.Transcript) is { } last)
        {
            // To the transcript's end: what the last hook's bound left out is complete now.
            var kind = Path.GetFileName(last).StartsWith("rollout-", StringComparison.Ordinal) ? HookStates.CodexTurnComplete : "Stop";
            records = [.. records, new HookRecord(now, kind, null, "") { Transcript = last, TranscriptEnd = long.MaxValue }];
        }

        var (read, usage) = TakeTranscript(worker, records, now);
        return (read with { Hook = hook, HookOffset = offset }, events, WithStatus(usage, status, records));
    }

    /// <summary>
    /// The status line's reading added to what the transcript gave: its context fill when it is
    /// the later report (it runs after each request, the transcript is read at turn ends), the
    /// session's cost (a TUI transcript has none), and the subscription windows.
    /// </summary>
    private static UsageUpdate? WithStatus(UsageUpdate? usage, HookRecord? status, IReadOnlyList<HookRecord> records)
    {
        if (status?.Status is not { } s)
        {
            return usage;
        }

        var lastTranscript = records.LastOrDefault(r => r.Transcript is not null && r.TranscriptEnd is not null);
        var statusLater = lastTranscript is null || status.Time >= lastTranscript.Time;
        var context = usage?.Context is { } read && !(statusLater && s.Context is not null) ? read : s.Context ?? usage?.Context;
        return (usage ?? new UsageUpdate(TokenUsage.Zero, null, [])) with
        {
            Context = context,
            Model = usage?.Model ?? s.Context?.Model,
            SessionCostUsd = s.SessionCostUsd,
            RateLimits = s.RateLimits,
        };
    }

    /// <summary>
    /// Reads the transcript the hooks named from where Baton stopped, up to its size when the
    /// hook ran (a turn boundary, so no message is cut in two). Stored with the hook offset in one
    /// transaction, so two monitors racing cannot count a turn twice.
    /// </summary>
    /// <summary>
    /// An idle agent's transcript that grew after its last hook: Claude Code may write a turn's
    /// last message after its Stop hook ran (seen under load), so what the Stop's bound left out is
    /// counted on a later look, once the agent is idle (no new turn being written). One open of
    /// the file per look at an idle worker with a transcript; nothing is written unless it grew.
    /// </summary>
    private (Worker Worker, IReadOnlyList<EventRecord> Events, UsageUpdate? Usage) CatchUp(Worker worker, DateTimeOffset now)
    {
        if (worker.State != WorkerState.Idle || worker.Transcript is not { } transcript)
        {
            return (worker, [], null);
        }

        // Codex's rollouts are named rollout-*.jsonl; anything else is a Claude Code transcript.
        var kind = Path.GetFileName(transcript).StartsWith("rollout-", StringComparison.Ordinal) ? HookStates.CodexTurnComplete : "Stop";
        var (read, usage) = TakeTranscript(worker, [new HookRecord(now, kind, null, "") { Transcript = transcript, TranscriptEnd = long.MaxValue }], now);
        return (read, [], usage);
    }

    private (Worker Worker, UsageUpdate? Usage) TakeTranscript(Worker worker, IReadOnlyList<HookRecord> records, DateTimeOffset now)
    {
        var (path, position) = (worker.Transcript, worker.TranscriptOffset);
        var lines = new List<string>();
        var codex = false;
        foreach (var r in records)
        {
            if (r.Transcript is null || r.TranscriptEnd is not { } end)
            {
                continue;
            }

            // Codex's notify names its thread's rollout; Claude Code's hooks name their transcript.
            codex |= r.Event == HookStates.CodexTurnComplete;

            if (!string.Equals(r.Transcript, path, StringComparison.Ordinal))
            {
                (path, position) = (r.Transcript, 0); // a new session (a new transcript): read it from its start
            }

            var (chunk, next) = _spool.ReadTranscript(r.Transcript, position, end);
            lines.AddRange(chunk);
            position = next;
        }

        if (path == worker.Transcript && position == worker.TranscriptOffset)
        {
            return (worker, null);
        }

        var read = worker with { Transcript = path, TranscriptOffset = position };
        var used = codex ? CodexRollout.Read(lines) : ClaudeTranscript.Read(lines);
        // Subscription windows the agent reported (budgets.window_hold reads them back as events).
        var windows = used.Windows.Select(w => Budgets.UsageWindows.Event(worker, w with { Agent = worker.Agent, At = w.At > DateTimeOffset.UnixEpoch ? w.At : now })).ToList();
        if (used.Tokens.IsEmpty && used.Context is null && windows.Count == 0)
        {
            return (read, null);
        }

        IReadOnlyList<EventRecord> usageEvents = [.. (used.Tokens.IsEmpty ? [] : (IEnumerable<EventRecord>)[UsageEvents.For(worker, used.Tokens, now)]), .. windows];
        return (read, new UsageUpdate(used.Tokens, used.Context, usageEvents) { Model = used.Model });
    }

    private (Worker Worker, EventRecord? Event) Observe(Worker worker, TmuxSession? session, IReadOnlyDictionary<string, string> screens, DateTimeOffset now)
    {
        if (!worker.State.IsLive())
        {
            return (worker, null);
        }

        var profile = TryProfile(worker.Agent);
        var rules = profile?.Screen ?? new ScreenRules();
        Observation seen;
        if (worker.Mode == WorkerMode.Headless)
        {
            // The supervisor records the exit itself; here only a vanished supervisor matters.
            // Between its row and its pid being stored, a just-spawned headless worker has no pid yet.
            seen = new Observation { Present = worker.Pid is { } pid ? _headless.IsAlive(pid) : worker.State == WorkerState.Starting, Hook = worker.Hook };
        }
        else if (session is null && worker.State == WorkerState.Starting && now - worker.StateSince < SpawnGrace)
        {
            // The spawner stores the row first and creates the session right after: a look in
            // between (another process, or the autopilot's loop beside a spawn) is too early.
            seen = new Observation { Present = true };
        }
        else if (session is null || session.BatonWorker != worker.Name)
        {
            seen = new Observation { Present = false };
        }
        else if (session.PaneDead && session.PaneDeadStatus is null && now - (session.PaneDeadSince ?? session.LastActivity) < StatusGrace)
        {
            // tmux sees the pane's end of output a moment before it reaps the process and knows
            // the exit status (and the time of death): wait for them rather than store "unknown".
            // Without a time of death, the pane's last output stands in for it.
            seen = new Observation { Present = true };
        }
        else
        {
            ScreenVerdict? verdict = null;
            if (profile is not null && screens.TryGetValue(worker.Session!, out var screen))
            {
                verdict = ScreenClassifier.Classify(profile, screen);
            }

            seen = new Observation
            {
                Present = true,
                Hook = worker.Hook,
                Exited = session.PaneDead,
                ExitCode = session.PaneDeadStatus,
                Screen = verdict,
                LastOutput = session.LastActivity,
            };
        }

        var decision = StateResolver.Decide(worker, seen, rules, now);
        // A settling screen was not really "seen": leave ObservedAt so the next look happens.
        var looked = seen.Screen is not null && !decision.Settling;
        if (!decision.Changed)
        {
            return looked ? (worker with { ObservedAt = now }, null) : (worker, null);
        }

        var since = decision.Since ?? now;
        var evidence = _redactor.Redact(decision.Evidence); // evidence quotes screen lines

        var next = worker with
        {
            State = decision.State,
            Evidence = evidence,
            StateSince = since,
            ObservedAt = now,
            ExitCode = decision.ExitCode ?? worker.ExitCode,
            EndedAt = decision.State.IsLive() ? null : now,
        };
        var type = decision.State switch
        {
            WorkerState.Exited => EventTypes.WorkerExited,
            WorkerState.Lost => EventTypes.WorkerLost,
            _ => EventTypes.WorkerStateChanged,
        };
        var record = new EventRecord
        {
            Time = now,
            Type = type,
            Worker = worker.Name,
            Ticket = worker.TicketId,
            Role = worker.Role,
            Message = $"{worker.State.ToText()} -> {decision.State.ToText()}: {evidence}",
            Metadata = new Dictionary<string, string>
            {
                ["from"] = worker.State.ToText(),
                ["to"] = decision.State.ToText(),
                ["evidence"] = evidence,
            },
        };
        return (next, record);
    }

    private AgentProfile? TryProfile(string agent)
    {
        try
        {
            return _profiles.Get(agent);
        }
        catch (BatonException)
        {
            // A profile deleted after its worker started: liveness still works without it.
            return null;
        }
    }
}

/// <summary>A worker as `list` shows it: the stored row after refresh, and its tmux session if any.</summary>
public sealed record WorkerView(Worker Worker, TmuxSession? Session);
