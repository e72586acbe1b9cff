using System.CommandLine;
using System.Text.Json;
using Baton.Cli.Host;
using Baton.Cli.Rendering;
using Baton.Core;
using Baton.Core.Dispatch;
using Baton.Core.Workers;

namespace Baton.Cli.Commands;

/// <summary>`baton nudge NAME` and `baton approve NAME`: the supervisor's nudge and auto-approve, on demand (the dashboard's buttons call the same).</summary>
internal static class WorkerActionCommand
{
    private const string Actor = "cli";

    public static Command CreateNudge()
    {
        var name = new Argument<string>("name") { Description = "The worker" };
        var command = new Command("nudge", "Type the supervisor's nudge to a worker now (an idle one is asked for its status); does not count toward max_nudges") { name, CommandRunner.Json };
        CommandRunner.Bind(command, async (parse, host, ct) =>
        {
            var outcome = await Actions(host).NudgeAsync(Current(host, parse.GetValue(name)!), Actor, ct).ConfigureAwait(false);
            if (parse.GetValue(CommandRunner.Json))
            {
                host.Out.WriteLine(JsonSerializer.Serialize(outcome, ViewJson.Readable.NudgeOutcome));
            }
            else
            {
                host.Out.WriteLine($"{outcome.Worker}: {outcome.Kind}" + (outcome.Ticket is null ? "" : $" about {outcome.Ticket}"));
            }

            if (!outcome.Verified)
            {
                await host.Error.WriteLineAsync($"baton: the nudge was typed into {outcome.Worker} but not confirmed as submitted; look with `baton capture {outcome.Worker}`").ConfigureAwait(false);
                return BatonException.FailureExitCode;
            }

            return 0;
        });
        return command;
    }

    public static Command CreateApprove()
    {
        var name = new Argument<string>("name") { Description = "The worker" };
        var command = new Command("approve", "Approve the permission question a worker waits on (presses its profile's approve_keys); refuses when it is not waiting on one") { name, CommandRunner.Json };
        CommandRunner.Bind(command, async (parse, host, ct) =>
        {
            var outcome = await Actions(host).ApproveAsync(Current(host, parse.GetValue(name)!), Actor, ct).ConfigureAwait(false);
            if (parse.GetValue(CommandRunner.Json))
            {
                host.Out.WriteLine(JsonSerializer.Serialize(outcome, ViewJson.Readable.ApproveOutcome));
            }
            else
            {
                host.Out.WriteLine($"{outcome.Worker}: approved ({string.Join(' ', outcome.Keys)}): {outcome.Question}");
            }

            return 0;
        });
        return command;
    }

    internal static WorkerActions Actions(CliHost host) =>
        new(host.Config.Autopilot, host.Time, host.TicketStore, host.Store, host.WorkerService(), host.Profiles);

    /// <summary>The worker as the monitor sees it now (its state decided from fresh evidence), or a usage error naming it.</summary>
    internal static Worker Current(CliHost host, string name)
    {
        WorkerName.Validate(name);
        return host.Monitor().Refresh(false).FirstOrDefault(v => v.Worker.Name == name)?.Worker
            ?? host.Store.GetWorker(name) // killed: shown as such, not as unknown
            ?? throw BatonException.Usage($"unknown worker '{name}': `baton list` shows the workers Baton knows");
    }
}
