using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Baton.Core.Events;
using Baton.Core.Security;
using Baton.Core.Workers;

namespace Baton.Cli.Commands;

/// <summary>
/// Hidden: the supervisor of a headless agent. Runs the agent with stdin closed, writes its
/// output (secrets redacted) to the worker's log, and records the exit code in the store.
/// </summary>
internal static class HeadlessRunCommand
{
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
            var redactor = Redactor.FromProcessEnvironment();
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

            int code;
            try
            {
                using var process = new Process { StartInfo = info, EnableRaisingEvents = true };
                process.Start();
                process.StandardInput.Close();
                var pumpOut = Pump(process.StandardOutput, Write);
                var pumpErr = Pump(process.StandardError, Write);
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                await Task.WhenAll(pumpOut, pumpErr).ConfigureAwait(false);
                code = process.ExitCode;
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                await Write($"baton: could not start {argv[0]}: {e.Message}").ConfigureAwait(false);
                code = 127;
            }

            // `baton kill` may have ended us on purpose and recorded that; do not overwrite it.
            var current = host.Store.GetWorker(name);
            if (current is not null && current.State.IsLive())
            {
                var now = host.Time.GetUtcNow();
                var exited = current with
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
                    Role = current.Role,
                    Message = $"headless agent exited with code {code}",
                    Metadata = new Dictionary<string, string> { ["exit_code"] = code.ToString(CultureInfo.InvariantCulture) },
                }, current)]);
            }

            return 0;
        });
        return cmd;
    }

    private static async Task Pump(StreamReader reader, Func<string?, Task> write)
    {
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            await write(line).ConfigureAwait(false);
        }
    }
}
