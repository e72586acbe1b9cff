using System.CommandLine;
using Baton.Core;
using Baton.Core.Processes;
using Baton.Core.Workers;

namespace Baton.Cli.Commands;

internal static class AttachCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "The worker" };
        // attach hands the terminal to tmux and prints nothing of its own: --json is refused with what to use instead.
        var json = new Option<bool>("--json") { Hidden = true };
        var command = new Command("attach", "Watch a worker live in its tmux session (switch-client when already inside tmux); detach with C-b d") { name, json };
        CommandRunner.Bind(command, async (parse, host, ct) =>
        {
            if (parse.GetValue(json))
            {
                throw BatonException.Usage("attach is interactive and prints nothing to read: use `baton list --json` for the worker's state or `baton capture NAME --json` for its screen");
            }

            var worker = host.Workers().RequireWorker(parse.GetValue(name)!);
            if (worker.Mode == WorkerMode.Headless)
            {
                throw new BatonException($"worker '{worker.Name}' runs headless: follow it with `tail -f {worker.LogPath}` or `baton capture {worker.Name}`");
            }

            var tmux = host.Tmux(worker.Socket);
            if (!tmux.ListSessions().Any(s => s.Name == worker.Session && s.BatonWorker == worker.Name))
            {
                throw new BatonException($"worker '{worker.Name}' has no tmux session any more (state {worker.State.ToText()})");
            }

            // Inside tmux on the same server, attaching would nest; switch the client instead.
            var inside = host.Environment.Variable("TMUX") is not null && worker.Socket is null;
            var attach = new ProcessRequest("tmux", tmux.AttachArguments(worker.Session!, inside))
            {
                InheritTerminal = true,
                Timeout = Timeout.InfiniteTimeSpan,
            };
            return (await host.Runner.RunAsync(attach, ct).ConfigureAwait(false)).ExitCode;
        });
        return command;
    }
}
