using System.CommandLine;
using System.Runtime.InteropServices;
using Baton.Cli.Host;
using Baton.Core.Events;
using Baton.Core.Processes;
using Baton.Core.Sandbox;
using Baton.Infrastructure.Sandbox;

namespace Baton.Cli.Commands;

/// <summary>
/// Hidden: the two halves of a sandbox's network (docs/sandbox.md). `sandbox net` runs outside,
/// around bubblewrap: Baton's side (<see cref="SandboxNetBroker"/>: forwarded loopback ports and the
/// allow_hosts proxy) on a Unix socket bound into the sandbox. `sandbox relay` runs inside, around
/// the agent: it listens on the sandbox's 127.0.0.1 and hands connections to that socket. Each
/// runs its command on the same terminal and exits with its code.
/// </summary>
internal static class SandboxNetCommands
{
    public static Command Net()
    {
        var dir = new Option<string>("--dir") { Required = true };
        var worker = new Option<string>("--worker") { Required = true };
        var forward = new Option<int[]>("--forward");
        var proxy = new Option<int?>("--proxy");
        var allow = new Option<string[]>("--allow");
        var command = new Argument<string[]>("command") { Arity = ArgumentArity.OneOrMore };
        var cmd = new Command("net", "Run a sandbox with Baton's side of its network (used by sandboxed spawns)") { dir, worker, forward, proxy, allow, command };
        cmd.Hidden = true;
        CommandRunner.Bind(cmd, (parse, host, _) =>
        {
            var name = parse.GetValue(worker)!;
            var gate = new Lock();
            var redactor = host.Secrets();
            void Refused(string destination, string reason)
            {
                // One event per refusal, host and port only; a store that cannot take it must not end the worker.
                try
                {
                    lock (gate)
                    {
                        host.Store.AppendEvent(new EventRecord
                        {
                            Time = host.Time.GetUtcNow(),
                            Type = EventTypes.SandboxNetRefused,
                            Worker = name,
                            Message = redactor.Redact($"refused {destination}: {reason}"),
                            Metadata = new Dictionary<string, string> { ["destination"] = redactor.Redact(destination), ["reason"] = reason },
                        });
                    }
                }
                catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException or InvalidOperationException)
                {
                    // The refusal itself still happened; only its record is lost.
                }
            }

            using var broker = new SandboxNetBroker(parse.GetValue(dir)!, parse.GetValue(forward) ?? [], parse.GetValue(proxy), new HostAllowList(parse.GetValue(allow) ?? []), Refused);
            broker.Start();
            return Task.FromResult(RunOnTerminal(host, parse.GetValue(command)!));
        });
        return cmd;
    }

    public static Command Relay()
    {
        var socket = new Option<string>("--socket") { Required = true };
        var port = new Option<int[]>("--port");
        var command = new Argument<string[]>("command") { Arity = ArgumentArity.OneOrMore };
        var cmd = new Command("relay", "Run an agent with the sandbox's side of its network (used inside sandboxes)") { socket, port, command };
        cmd.Hidden = true;
        CommandRunner.Bind(cmd, (parse, host, _) =>
        {
            using var relay = new SandboxRelay(parse.GetValue(socket)!);
            relay.Start(parse.GetValue(port) ?? []);
            return Task.FromResult(RunOnTerminal(host, parse.GetValue(command)!));
        });
        return cmd;
    }

    /// <summary>
    /// The command on this terminal until it ends. Ctrl-C and Ctrl-\ are the agent's (it shares the
    /// terminal's process group): ignored here, or a Ctrl-C meant to interrupt the agent would end
    /// the sandbox. A hang-up or SIGTERM ends this process, and bubblewrap's --die-with-parent the rest.
    /// </summary>
    private static int RunOnTerminal(CliHost host, string[] command)
    {
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => c.Cancel = true);
        using var quit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, c => c.Cancel = true);
        var result = host.Runner.Run(new ProcessRequest(command[0], command[1..]) { InheritTerminal = true, Timeout = Timeout.InfiniteTimeSpan });
        return result.ExitCode;
    }
}
