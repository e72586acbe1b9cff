using System.CommandLine;
using Baton.Core.Workers;

namespace Baton.Cli.Commands;

/// <summary>Hidden: the supervisor of a headless agent (HeadlessSupervisor), started by `baton spawn --headless`.</summary>
internal static class HeadlessRunCommand
{
    public static Command Create()
    {
        var worker = new Argument<string>("worker");
        var log = new Argument<string>("log");
        var command = new Argument<string[]>("command") { Arity = ArgumentArity.OneOrMore };
        var cmd = new Command("headless-run", "Supervise a headless agent (used by `baton spawn --headless`)") { worker, log, command };
        cmd.Hidden = true;
        CommandRunner.Bind(cmd, async (parse, host, _) =>
        {
            var name = WorkerName.Validate(parse.GetValue(worker));
            await using var output = host.HeadlessLog(parse.GetValue(log)!);

            // Not cancelled by a signal: `baton kill` ends the agent's whole process group, and the
            // supervisor stays to record the exit.
            await host.HeadlessSupervisor().RunAsync(name, parse.GetValue(command)!, output, CancellationToken.None).ConfigureAwait(false);
            return 0;
        });
        return cmd;
    }
}
