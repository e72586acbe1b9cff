using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Baton.Cli.Host;
using Baton.Core;
using Baton.Core.Agents.Streams;
using Baton.Core.Dispatch;
using Baton.Core.Events;
using Baton.Core.Security;
using Baton.Core.Usage;
using Baton.Core.Workers;

namespace Baton.Cli.Commands;

/// <summary>
/// Hidden: the supervisor of a headless agent. Runs the agent with stdin closed, writes its
/// output (secrets redacted) to the worker's log, and records the exit code in the store. When the
/// profile's headless output is an event stream (stream-json, jsonl), each stdout line is also
/// parsed: tool uses, tool errors, retries, results, errors and usage go to the store in batches
/// (one transaction per <see cref="FlushEvery"/>, not per line), and a rate limit pauses the worker.
/// </summary>
internal static class HeadlessRunCommand
{
    private static readonly TimeSpan FlushEvery = TimeSpan.FromMilliseconds(500);

    public static Command Create()
    {
        var worker = new Argument<string>("worker");
        var log = new Argument<string>("log");
        var command = new Argument<string[]>("command") { Arity = ArgumentArity.OneOrMore };
        var cmd = new Command("headless-run", "Supervise a headless agent (used by `baton spawn --headless`)") { worker, log, command };
        cmd.Hidden = true;
        CommandRunner.Bind(cmd, async (parse, host, ct) =>
        {
            var name = WorkerName.Validate(parse.GetValue(worker));
            var argv = parse.GetValue(command)!;
            var redactor = Redactor.From(host.Variables);
            var recorder = Recorder(host, name, redactor);
            var info = new ProcessStartInfo(argv[0])
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var arg in argv.Skip(1))
            {
                info.ArgumentList.Add(arg);
            }

            await using var output = new StreamWriter(new FileStream(parse.GetValue(log)!, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
            var gate = new SemaphoreSlim(1, 1);
            async Task Write(string? line)
            {
                if (line is null)
                {
                    return;
                }

                await gate.WaitAsync(ct).ConfigureAwait(false);
                try
                {
                    await output.WriteLineAsync(redactor.Redact(line)).ConfigureAwait(false);
                }
                finally
                {
                    gate.Release();
                }
            }

            // Only the supervisor's own thread touches the store: the pump hands limits over here.
            var limits = new System.Collections.Concurrent.ConcurrentQueue<AgentStreamEvent>();
            async Task WriteAndParse(string? line)
            {
                await Write(line).ConfigureAwait(false);
                if (line is not null && recorder is not null)
                {
                    foreach (var limit in recorder.Take(line))
                    {
                        limits.Enqueue(limit);
                    }
                }
            }

            int code;
            try
            {
                using var process = new Process { StartInfo = info, EnableRaisingEvents = true };
                process.Start();
                process.StandardInput.Close();
                var pumpOut = Pump(process.StandardOutput, WriteAndParse);
                var pumpErr = Pump(process.StandardError, Write);
                var exited = process.WaitForExitAsync(CancellationToken.None);
                while (recorder is not null && !exited.IsCompleted)
                {
                    await Task.WhenAny(exited, Task.Delay(FlushEvery, CancellationToken.None)).ConfigureAwait(false);
                    Flush(host, name, recorder, limits);
                }

                await exited.ConfigureAwait(false);
                await Task.WhenAll(pumpOut, pumpErr).ConfigureAwait(false);
                code = process.ExitCode;
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                await Write($"baton: could not start {argv[0]}: {e.Message}").ConfigureAwait(false);
                code = 127;
            }

            if (recorder is not null)
            {
                Flush(host, name, recorder, limits);
            }

            RecordExit(host, name, code);
            return 0;
        });
        return cmd;
    }

    /// <summary>The stream recorder for the worker's profile, or null when its output is plain text (or the profile is gone).</summary>
    private static StreamRecorder? Recorder(CliHost host, string name, Redactor redactor)
    {
        var row = host.Store.GetWorker(name);
        if (row is null)
        {
            return null;
        }

        try
        {
            return AgentStreams.For(host.Profiles.Get(row.Agent).HeadlessOutput) is { } parser ? new StreamRecorder(row, parser, redactor, host.Time) : null;
        }
        catch (BatonException)
        {
            return null; // a profile removed since the spawn: the raw log still has everything
        }
    }

    /// <summary>Writes what the stream said since the last flush in one transaction, then pauses the worker on a rate limit.</summary>
    private static void Flush(CliHost host, string name, StreamRecorder recorder, System.Collections.Concurrent.ConcurrentQueue<AgentStreamEvent> limits)
    {
        var current = host.Store.GetWorker(name);
        if (current is null)
        {
            return;
        }

        if (recorder.Drain() is { } update)
        {
            host.UsageStore.Record(current, update);
        }

        AgentStreamEvent? last = null;
        while (limits.TryDequeue(out var limit))
        {
            last = limit;
        }

        if (last is not null && current.State.IsLive() && current.State != WorkerState.Paused)
        {
            var now = host.Time.GetUtcNow();
            var until = last.RetryAfter is { } after ? now + after
                : ResetTime.Parse(last.Message, now, TimeZoneInfo.Local) is { } at && at > now ? at
                : now + UsageLimitPause.DefaultWait;
            UsageLimitPause.Pause(host.Store, current, until, "stream: " + last.Message, now);
        }
    }

    private static void RecordExit(CliHost host, string name, int code)
    {
        // `baton kill` may have ended us on purpose and recorded that; do not overwrite it. A worker
        // paused at its rate limit stays paused (with its exit code): the autopilot acts at the reset.
        var current = host.Store.GetWorker(name);
        if (current is null || !current.State.IsLive())
        {
            return;
        }

        var now = host.Time.GetUtcNow();
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
        host.Store.UpdateWorkers([new(exited, new EventRecord
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

    private static async Task Pump(StreamReader reader, Func<string?, Task> write)
    {
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            await write(line).ConfigureAwait(false);
        }
    }
}
