using System.Collections.Concurrent;
using System.Globalization;
using Baton.Core.Agents;
using Baton.Core.Agents.Streams;
using Baton.Core.Dispatch;
using Baton.Core.Events;
using Baton.Core.Processes;
using Baton.Core.Security;
using Baton.Core.Storage;
using Baton.Core.Usage;

namespace Baton.Core.Workers;

/// <summary>
/// The supervisor of a headless agent (`baton headless-run`): runs the agent with stdin closed,
/// writes its output (secrets redacted) to the log it is given, and records the exit code in the
/// store. When the profile's headless output is an event stream (stream-json, jsonl), each stdout
/// line is also parsed: tool uses, errors, results and usage go to the store in batches (one
/// transaction per <see cref="FlushEvery"/>, not per line), and a rate limit pauses the worker.
/// </summary>
public sealed class HeadlessSupervisor
{
    public static readonly TimeSpan FlushEvery = TimeSpan.FromMilliseconds(500);

    private readonly IStore _store;
    private readonly IUsageStore _usage;
    private readonly IAgentProfiles _profiles;
    private readonly IProcessRunner _runner;
    private readonly Redactor _redactor;
    private readonly TimeProvider _time;

    public HeadlessSupervisor(IStore store, IUsageStore usage, IAgentProfiles profiles, IProcessRunner runner, Redactor redactor, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(usage);
        ArgumentNullException.ThrowIfNull(profiles);
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(redactor);
        ArgumentNullException.ThrowIfNull(time);
        _store = store;
        _usage = usage;
        _profiles = profiles;
        _runner = runner;
        _redactor = redactor;
        _time = time;
    }

    /// <summary>
    /// Runs <paramref name="command"/> for worker <paramref name="name"/> until it exits (cancelling
    /// kills its tree); returns its exit code (127 when it could not start).
    /// </summary>
    public async Task<int> RunAsync(string name, IReadOnlyList<string> command, TextWriter log, CancellationToken ct)
    {
        WorkerName.Validate(name);
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(log);
        if (command.Count == 0)
        {
            throw BatonException.Usage("headless-run needs the agent's command");
        }

        var recorder = Recorder(name);

        // The runner calls back from one reader thread per stream: the log is written under a lock.
        // A child the agent left behind may hold its pipes after the runner stopped waiting: lines
        // that come after the end are dropped, never written to a log the caller has closed.
        var gate = new Lock();
        var closed = false;
        void Write(string line)
        {
            lock (gate)
            {
                if (!closed)
                {
                    log.WriteLine(_redactor.Redact(line));
                }
            }
        }

        // Only this loop touches the store: the readers hand rate limits over through the queue.
        var limits = new ConcurrentQueue<AgentStreamEvent>();
        void WriteAndParse(string line)
        {
            Write(line);
            if (recorder is not null)
            {
                lock (recorder)
                {
                    foreach (var limit in recorder.Take(line))
                    {
                        limits.Enqueue(limit);
                    }
                }
            }
        }

        int code;
        try
        {
            var run = _runner.RunAsync(new ProcessRequest(command[0], [.. command.Skip(1)])
            {
                CaptureOutput = false,
                Timeout = Timeout.InfiniteTimeSpan,
                OnOutputLine = WriteAndParse,
                OnErrorLine = Write,
            }, ct);
            while (recorder is not null && !run.IsCompleted)
            {
                await Task.WhenAny(run, Task.Delay(FlushEvery, _time, CancellationToken.None)).ConfigureAwait(false);
                Flush(name, recorder, limits);
            }

            code = (await run.ConfigureAwait(false)).ExitCode;
        }
        catch (ProcessStartFailedException e)
        {
            Write("baton: " + e.Message);
            code = 127;
        }

        lock (gate)
        {
            closed = true;
        }

        if (recorder is not null)
        {
            Flush(name, recorder, limits);
        }

        RecordExit(name, code);
        return code;
    }

    /// <summary>The stream recorder for the worker's profile, or null when its output is plain text (or the profile is gone).</summary>
    private StreamRecorder? Recorder(string name)
    {
        var row = _store.GetWorker(name);
        if (row is null)
        {
            return null;
        }

        try
        {
            return AgentStreams.For(_profiles.Get(row.Agent).HeadlessOutput) is { } parser ? new StreamRecorder(row, parser, _redactor, _time) : null;
        }
        catch (BatonException)
        {
            return null; // a profile removed since the spawn: the raw log still has everything
        }
    }

    /// <summary>Writes what the stream said since the last flush in one transaction, then pauses the worker on a rate limit.</summary>
    private void Flush(string name, StreamRecorder recorder, ConcurrentQueue<AgentStreamEvent> limits)
    {
        var current = _store.GetWorker(name);
        if (current is null)
        {
            return;
        }

        UsageUpdate? update;
        lock (recorder)
        {
            update = recorder.Drain();
        }

        if (update is not null)
        {
            _usage.Record(current, update);
        }

        AgentStreamEvent? last = null;
        while (limits.TryDequeue(out var limit))
        {
            last = limit;
        }

        if (last is not null && current.State.IsLive() && current.State != WorkerState.Paused)
        {
            var now = _time.GetUtcNow();
            var until = last.RetryAfter is { } after ? now + after
                : ResetTime.Parse(last.Message, now, TimeZoneInfo.Local) is { } at && at > now ? at
                : now + UsageLimitPause.DefaultWait;
            UsageLimitPause.Pause(_store, current, until, "stream: " + last.Message, now);
        }
    }

    private void RecordExit(string name, int code)
    {
        // `baton kill` may have ended us on purpose and recorded that; do not overwrite it. A worker
        // paused at its rate limit stays paused (with its exit code): the autopilot acts at the reset.
        var current = _store.GetWorker(name);
        if (current is null || !current.State.IsLive())
        {
            return;
        }

        var now = _time.GetUtcNow();
        var paused = current.State == WorkerState.Paused;
        var exited = paused
            ? current with { ExitCode = code, Evidence = $"{current.Evidence}; headless process exited with code {code}" }
            : current with
            {
                State = WorkerState.Exited,
                ExitCode = code,
                Evidence = $"liveness: headless process exited with code {code}",
                StateSince = now,
                EndedAt = now,
            };
        _store.UpdateWorkers([new(exited, new EventRecord
        {
            Time = now,
            Type = EventTypes.WorkerExited,
            Worker = name,
            Ticket = current.TicketId,
            Role = current.Role,
            Message = $"headless agent exited with code {code}" + (paused ? " (worker stays paused at its rate limit)" : ""),
            Metadata = new Dictionary<string, string> { ["exit_code"] = code.ToString(CultureInfo.InvariantCulture) },
        }, current)]);
    }
}
