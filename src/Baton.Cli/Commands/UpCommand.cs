using System.CommandLine;
using System.Text.Json;
using Baton.Cli.Host;
using Baton.Cli.Rendering;

namespace Baton.Cli.Commands;

/// <summary>`baton up [--detach] [--until-done]` and `baton down`: the autopilot loop.</summary>
internal static class UpCommand
{
    public static Command Create()
    {
        var detach = new Option<bool>("--detach", "-d") { Description = "Run the loop in its own tmux session (<prefix>autopilot); `baton down` stops it" };
        var untilDone = new Option<bool>("--until-done") { Description = "Stop once every ticket is done, failed, cancelled or blocked" };
        var plain = new Option<bool>("--plain") { Description = "One line per action instead of the live table (the default when output is not a terminal)" };
        var command = new Command("up", "Start the autopilot: dispatch ready tickets to agents in their own worktrees and see each one through") { detach, untilDone, plain, CommandRunner.Json };
        CommandRunner.Bind(command, async (parse, host, ct) =>
        {
            host.Preflight().Check(host.Config);
            var json = parse.GetValue(CommandRunner.Json);
            if (parse.GetValue(detach))
            {
                var control = host.AutopilotControl();
                var holder = await control.DetachAsync(parse.GetValue(untilDone), ct).ConfigureAwait(false);
                Print(host, json, $"autopilot running in tmux session {control.Session} (pid {holder}); watch it with `{control.AttachCommand}`, stop it with `baton down`", true);
                return 0;
            }

            var view = json ? AutopilotView.Json
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
            var pid = await host.AutopilotControl().StopAsync(ct).ConfigureAwait(false);
            if (pid is null)
            {
                Print(host, json, "no autopilot is running on this repository", false);
                return 0;
            }

            Print(host, json, $"autopilot (pid {pid}) stopped; workers keep running", true);
            return 0;
        });
        return command;
    }

    /// <summary>Runs the loop in this process until stopped (Ctrl-C, SIGTERM) or, with <paramref name="untilDone"/>, until every ticket settled.</summary>
    private static async Task<AutopilotOutcome> RunAsync(CliHost host, bool untilDone, AutopilotView view, CancellationToken stop)
    {
        using var session = host.AutopilotRun().Start();
        using var signals = new StopSignals(stop);
        var render = new AutopilotRenderer(host, view);
        var reason = "on request";
        await render.RunAsync(async update => reason = await session.RunAsync(untilDone, update, signals.Token).ConfigureAwait(false)).ConfigureAwait(false);
        return render.Finish(reason);
    }

    private static void Print(CliHost host, bool json, string message, bool running)
    {
        host.Out.WriteLine(json ? JsonSerializer.Serialize(new AutopilotStateJson(message, running), CliJson.Readable.AutopilotStateJson) : message);
    }
}
