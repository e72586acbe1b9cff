using System.CommandLine;
using System.Text.Json;
using Baton.Cli.Host;
using Baton.Cli.Rendering;
using Baton.Core.Workers;

namespace Baton.Cli.Commands;

internal static class KillCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "The worker" };
        var command = new Command("kill", "Ask the agent to exit (its exit command), wait a bounded time, then end its session") { name, CommandRunner.Json };
        CommandRunner.Bind(command, async (parse, host, ct) =>
        {
            var outcome = await host.WorkerService("cli").KillAsync(parse.GetValue(name)!, ct).ConfigureAwait(false);
            Print(host, [outcome], parse.GetValue(CommandRunner.Json), single: true);
            return 0;
        });
        return command;
    }

    public static Command CreateAll()
    {
        var command = new Command("kill-all", "End every worker Baton started (checked against the store) and no other tmux session") { CommandRunner.Json };
        CommandRunner.Bind(command, async (parse, host, ct) =>
        {
            var outcomes = await host.WorkerService("cli").KillAllAsync(ct).ConfigureAwait(false);
            Print(host, outcomes, parse.GetValue(CommandRunner.Json), single: false);
            return 0;
        });
        return command;
    }

    private static void Print(CliHost host, IReadOnlyList<KillOutcome> outcomes, bool json, bool single)
    {
        if (json)
        {
            var rows = outcomes.Select(o => new KillJson(o.Worker, o.How, o.Graceful)).ToList();
            host.Out.WriteLine(single
                ? JsonSerializer.Serialize(rows[0], CliJson.Readable.KillJson)
                : JsonSerializer.Serialize(rows, CliJson.Readable.ListKillJson));
            return;
        }

        if (outcomes.Count == 0)
        {
            host.Out.WriteLine("No workers to kill.");
        }

        foreach (var o in outcomes)
        {
            host.Out.WriteLine(o.ToString());
        }
    }
}
