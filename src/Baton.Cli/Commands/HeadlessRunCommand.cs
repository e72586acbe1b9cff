using System.CommandLine;
using System.Runtime.InteropServices;
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
            // supervisor stays to record what the agent's stream said since the last flush (its
            // closing usage, what the budgets count) and the exit. The runtime would otherwise end
            // this process at the group's SIGTERM, before either; the kill waits for it, bounded,
            // then SIGKILLs the group.
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => c.Cancel = true);
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => c.Cancel = true);
            await host.HeadlessSupervisor().RunAsync(name, parse.GetValue(command)!, output, CancellationToken.None).ConfigureAwait(false);
            return 0;
        });
        return cmd;
    }
}
