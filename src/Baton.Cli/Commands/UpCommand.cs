using System.CommandLine;
using System.Text.Json;
using Baton.Cli.Host;
using Baton.Cli.Rendering;
using Baton.Core;
using Baton.Core.Dispatch;
using Baton.Core.Events;
using Baton.Core.Tmux;
using Baton.Infrastructure.Dispatch;

namespace Baton.Cli.Commands;

/// <summary>`baton up [--detach] [--until-done]` and `baton down`: the autopilot loop.</summary>
internal static class UpCommand
{
    public const string SessionName = "autopilot";

    public static Command Create()
    {
        var detach = new Option<bool>("--detach", "-d") { Description = "Run the loop in its own tmux session (<prefix>autopilot); `baton down` stops it" };
        var untilDone = new Option<bool>("--until-done") { Description = "Stop once every ticket is done, failed, cancelled or blocked" };
        var plain = new Option<bool>("--plain") { Description = "One line per action instead of the live table (the default when output is not a terminal)" };
        var command = new Command("up", "Start the autopilot: dispatch ready tickets to agents in their own worktrees and see each one through") { detach, untilDone, plain, CommandRunner.Json };
        CommandRunner.Bind(command, async (parse, host, ct) =>
        {
            Preflight(host);
            if (parse.GetValue(detach))
            {
                return Detach(host, parse.GetValue(untilDone), parse.GetValue(CommandRunner.Json));
            }

            var view = parse.GetValue(CommandRunner.Json) ? AutopilotView.Json
                : parse.GetValue(plain) || host.Output.IsOutputRedirected ? AutopilotView.Plain
                : AutopilotView.Live;
            var outcome = await RunAsync(host, parse.GetValue(untilDone), view, ct).ConfigureAwait(false);
            return outcome.Failed > 0 ? 1 : 0;
        });
        return command;
    }

    public static Command CreateDown()
    {
        var command = new Command("down", "Stop the autopilot started with `baton up` (workers keep running; the next `baton up` adopts them)") { CommandRunner.Json };
        CommandRunner.Bind(command, async (parse, host, ct) =>
        {
            var json = parse.GetValue(CommandRunner.Json);
            var pid = AutopilotLock.Holder(host.Paths);
            if (pid is null)
            {
                KillSession(host);
                Print(host, json, "no autopilot is running on this repository", false);
                return 0;
            }

            if (pid <= 0 || !AutopilotLock.Terminate(pid.Value))
            {
                throw new BatonException($"the autopilot lock is held but its pid file ({AutopilotLock.PidFile(host.Paths)}) does not name a live process; stop it by hand");
            }

            for (var i = 0; i < 600 && AutopilotLock.Holder(host.Paths) is not null; i++)
            {
                await Task.Delay(50, ct).ConfigureAwait(false);
            }

            if (AutopilotLock.Holder(host.Paths) is not null)
            {
                throw new BatonException($"the autopilot (pid {pid}) did not stop within 30 s; `kill -9 {pid}` is safe: the next `baton up` recovers");
            }

            KillSession(host);
            Print(host, json, $"autopilot (pid {pid}) stopped; workers keep running", true);
            return 0;
        });
        return command;
    }

    /// <summary>Runs the loop in this process until stopped (Ctrl-C, SIGTERM) or, with <paramref name="untilDone"/>, until every ticket settled.</summary>
    public static async Task<AutopilotOutcome> RunAsync(CliHost host, bool untilDone, AutopilotView view, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(host);
        using var held = AutopilotLock.TryAcquire(host.Paths)
            ?? throw new BatonException($"another `baton up` is running on this repository (pid {AutopilotLock.Holder(host.Paths)}); `baton down` stops it");
        // SIGTERM (`baton down`) and Ctrl-C end the loop after its current tick, so the stop is
        // recorded and no spawn is cut in half; the process is not torn down under it.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stop);
        using var onTerm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, Stop);
        using var onInt = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, Stop);
        void Stop(System.Runtime.InteropServices.PosixSignalContext signal)
        {
            signal.Cancel = true;
            stopping.Cancel();
        }

        stop = stopping.Token;
        var pilot = host.Autopilot();
        var render = new AutopilotRenderer(host, view);
        var tick = host.Config.Autopilot.Tick;
        var reason = "on request";
        try
        {
            await render.RunAsync(async update =>
            {
                while (!stop.IsCancellationRequested)
                {
                    // A tick is never cut short: a half-done spawn would leave an agent without its
                    // prompt. Stopping waits for the tick to end.
                    var report = await pilot.TickAsync(CancellationToken.None).ConfigureAwait(false);
                    update(report);
                    if (untilDone && report.AllSettled)
                    {
                        reason = "every ticket settled";
                        return;
                    }

                    try
                    {
                        await pilot.WaitAsync(tick, stop).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
            }).ConfigureAwait(false);
        }
        finally
        {
            await pilot.DrainAsync().ConfigureAwait(false);
            host.Store.AppendEvent(new EventRecord { Time = host.Time.GetUtcNow(), Type = EventTypes.AutopilotStopped, Message = $"autopilot stopped ({reason})" });
        }

        return render.Finish(reason);
    }

    /// <summary>Everything that can be wrong before anything is spawned: config (file and line), the default role, the base branch.</summary>
    private static void Preflight(CliHost host)
    {
        var config = host.Config; // parses .baton/config.yaml: errors name file, line and allowed range
        var version = host.Runner.Run(new Baton.Core.Processes.ProcessRequest("git", ["version"])).StandardOutput;
        var m = System.Text.RegularExpressions.Regex.Match(version, @"(\d+)\.(\d+)");
        if (m.Success && (int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)) is var (major, minor) && (major < 2 || (major == 2 && minor < 38)))
        {
            throw new BatonException($"{version.Trim()} is too old for the autopilot's merge queue (it needs git 2.38 or newer for `git merge-tree --write-tree`)");
        }

        try
        {
            _ = host.Roles().Catalog.GetRole(config.Autopilot.DefaultRole);
            _ = host.Profiles.Get(config.DefaultAgent);
        }
        catch (BatonException e)
        {
            // The name came from config.yaml (or its default): say so, or the user looks in the wrong place.
            throw new BatonException($"{host.Paths.ConfigFile} (autopilot.default_role / agents.default): {e.Message}", e.ExitCode);
        }
        if (config.Autopilot.BaseBranch is { } branch && host.Git.Resolve(host.Paths.Root, "refs/heads/" + branch) is null)
        {
            throw new BatonException($"{host.Paths.ConfigFile}: autopilot.base_branch '{branch}' does not exist in {host.Paths.Root}");
        }
    }

    private static int Detach(CliHost host, bool untilDone, bool json)
    {
        if (AutopilotLock.Holder(host.Paths) is { } pid)
        {
            throw new BatonException($"the autopilot is already running (pid {pid}); `baton down` stops it");
        }

        var tmux = host.Tmux(host.Config.TmuxSocket);
        var session = host.Config.SessionPrefix + SessionName;
        tmux.KillSession(session); // a dead one from an earlier run
        var env = new Dictionary<string, string>(StringComparer.Ordinal) { ["BATON_DB"] = host.Paths.Database };
        if (host.Config.TmuxSocket is { } socket)
        {
            env["BATON_TMUX_SOCKET"] = socket;
        }

        List<string> command = [.. host.Executables.Self, "up", "--plain"];
        if (untilDone)
        {
            command.Add("--until-done");
        }

        if (!tmux.NewSession(new NewSessionRequest(session, SessionName, host.Paths.Root, command, env, 200, 50)))
        {
            throw new BatonException($"a tmux session named '{session}' already exists: `baton down` first");
        }

        for (var i = 0; i < 200 && AutopilotLock.Holder(host.Paths) is null; i++)
        {
            Thread.Sleep(50);
        }

        var holder = AutopilotLock.Holder(host.Paths) ?? throw new BatonException($"the autopilot did not start; look at its session: tmux{(host.Config.TmuxSocket is { } s ? " -L " + s : "")} attach -t {session}");
        Print(host, json, $"autopilot running in tmux session {session} (pid {holder}); watch it with `tmux{(host.Config.TmuxSocket is { } so ? " -L " + so : "")} attach -t {session}`, stop it with `baton down`", true);
        return 0;
    }

    private static void KillSession(CliHost host)
    {
        try
        {
            host.Tmux(host.Config.TmuxSocket).KillSession(host.Config.SessionPrefix + SessionName);
        }
        catch (Baton.Core.Tmux.TmuxException)
        {
            // No tmux server at all: nothing to kill.
        }
    }

    private static void Print(CliHost host, bool json, string message, bool running)
    {
        host.Out.WriteLine(json ? JsonSerializer.Serialize(new AutopilotStateJson(message, running), CliJson.Readable.AutopilotStateJson) : message);
    }
}
