using System.CommandLine;
using System.Text.Json;
using Baton.Cli.Host;
using Baton.Cli.Rendering;
using Baton.Core;
using Baton.Web;
using System.Globalization;

namespace Baton.Cli.Commands;

/// <summary>`baton up [--detach] [--until-done]` and `baton down`: the autopilot loop.</summary>
internal static class UpCommand
{
    public static Command Create()
    {
        var detach = new Option<bool>("--detach", "-d") { Description = "Run the loop in its own tmux session (<prefix>autopilot); `baton down` stops it" };
        var untilDone = new Option<bool>("--until-done") { Description = "Stop once every ticket settled: done, failed, cancelled, blocked, in review waiting for a person (merge.auto: false), or unable to start (a dependency failed; its role, agent or worker does not exist; a budget is spent for it). Exit 1 when a ticket failed in this run or cannot start" };
        var plain = new Option<bool>("--plain") { Description = "One line per action instead of the live table (the default when output is not a terminal)" };
        var dashboard = new Option<bool>("--dashboard") { Description = "Serve the live dashboard from this process too (on 127.0.0.1; `baton dashboard` has the other options)" };
        var dashboardPort = new Option<int>("--dashboard-port") { Description = "The dashboard's port (0 takes a free one; not with --detach)", DefaultValueFactory = _ => DashboardOptions.DefaultPort };
        var command = new Command("up", "Start the autopilot: dispatch ready tickets to agents in their own worktrees and see each one through") { detach, untilDone, plain, dashboard, dashboardPort, CommandRunner.Json };
        CommandRunner.Bind(command, async (parse, host, ct) =>
        {
            host.Preflight().Check(host.Config);
            var json = parse.GetValue(CommandRunner.Json);
            var page = parse.GetValue(dashboard) ? new DashboardOptions { Port = parse.GetValue(dashboardPort) } : null;
            page?.Validate();
            if (parse.GetValue(detach))
            {
                return await DetachAsync(host, parse.GetValue(untilDone), page, json, ct).ConfigureAwait(false);
            }

            var view = json ? AutopilotView.Json
                : parse.GetValue(plain) || host.Output.IsOutputRedirected ? AutopilotView.Plain
                : AutopilotView.Live;
            var outcome = await RunAsync(host, parse.GetValue(untilDone), view, page, ct).ConfigureAwait(false);
            return outcome.NeedsHuman ? 1 : 0;
        });
        return command;
    }

    public static Command CreateDown()
    {
        var command = new Command("down", "Stop the autopilot started with `baton up` (workers keep running; the next `baton up` adopts them)") { CommandRunner.Json };
        CommandRunner.Bind(command, async (parse, host, ct) =>
        {
            var json = parse.GetValue(CommandRunner.Json);
            var pid = await host.AutopilotControlForStop().StopAsync(ct).ConfigureAwait(false);
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

    /// <summary>Starts the loop in its own tmux session; its dashboard (if asked) on the port given, whose URL is known here.</summary>
    private static async Task<int> DetachAsync(CliHost host, bool untilDone, DashboardOptions? page, bool json, CancellationToken ct)
    {
        List<string> options = [];
        string? url = null;
        if (page is not null)
        {
            if (page.Port == 0)
            {
                throw BatonException.Usage("--detach needs a fixed --dashboard-port (0 would take a port only the detached process knows)");
            }

            options.AddRange(["--dashboard", "--dashboard-port", page.Port.ToString(CultureInfo.InvariantCulture)]);
            var token = DashboardToken.LoadOrCreate(host.Files, host.Paths.BatonDir);
            url = DashboardServer.UrlWithToken(new Uri($"http://{page.Bind}:{page.Port}/"), token).ToString();
        }

        var control = host.AutopilotControl();
        var holder = await control.DetachAsync(untilDone, options, ct).ConfigureAwait(false);
        var dashboardNote = url is null ? "" : $"; dashboard at {url}";
        Print(host, json, $"autopilot running in tmux session {control.Session} (pid {holder}){dashboardNote}; watch it with `{control.AttachCommand}`, stop it with `baton down`", true);
        return 0;
    }

    /// <summary>Runs the loop in this process until stopped (Ctrl-C, SIGTERM) or, with <paramref name="untilDone"/>, until every ticket settled.</summary>
    private static async Task<AutopilotOutcome> RunAsync(CliHost host, bool untilDone, AutopilotView view, DashboardOptions? page, CancellationToken stop)
    {
        using var signals = new StopSignals(stop);

        // The page first: a busy port fails `up` before the loop takes the lock or starts an agent.
        await using var hosting = page is null ? null : await DashboardHosting.StartAsync(host, page, signals.Token).ConfigureAwait(false);
        using var session = host.AutopilotRun().Start();
        var render = new AutopilotRenderer(host, view);
        if (hosting is not null)
        {
            render.Announce($"Dashboard: {hosting.Server.Url}");
        }

        var reason = "on request";
        await render.RunAsync(async update => reason = await session.RunAsync(untilDone, update, signals.Token).ConfigureAwait(false)).ConfigureAwait(false);
        return render.Finish(reason);
    }

    private static void Print(CliHost host, bool json, string message, bool running)
    {
        host.Out.WriteLine(json ? JsonSerializer.Serialize(new AutopilotStateJson(message, running), CliJson.Readable.AutopilotStateJson) : message);
    }
}
