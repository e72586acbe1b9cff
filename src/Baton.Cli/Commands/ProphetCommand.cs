using System.CommandLine;
using System.Text.Json;
using Baton.Cli.Rendering;
using Baton.Core.Workers;

namespace Baton.Cli.Commands;

/// <summary>`baton prophet`: (re)start the orchestrating agent in the session &lt;prefix&gt;prophet.</summary>
internal static class ProphetCommand
{
    public const string Name = "prophet";

    public static Command Create()
    {
        var agent = new Option<string?>("--agent", "-a") { Description = "Agent profile for the prophet (default: config agents.default)" };
        var prompt = new Argument<string?>("prompt") { Description = "A first message for the prophet ('-' reads standard input)", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("prophet", "Start, or restart, the orchestrating agent (role prophet) in the repository root, in session <prefix>prophet") { agent, prompt, CommandRunner.Json };
        CommandRunner.Bind(command, async (parse, host, ct) =>
        {
            var text = parse.GetValue(prompt) ?? "";
            if (text == "-")
            {
                text = await host.In.ReadToEndAsync(ct).ConfigureAwait(false);
            }

            // A restart: the running prophet is asked to leave (its exit command, then the session
            // is ended), so its replacement gets the same session name.
            var restarted = false;
            if (host.Store.GetWorker(Name) is { } old && old.State.IsLive())
            {
                await host.WorkerService().KillAsync(Name, ct).ConfigureAwait(false);
                restarted = true;
            }

            var worker = await host.WorkerSpawner().SpawnAsync(new SpawnRequest
            {
                Name = Name,
                Agent = parse.GetValue(agent),
                Role = "prophet",
                Directory = host.Paths.Root,
                Prompt = text,
            }, ct).ConfigureAwait(false);

            if (parse.GetValue(CommandRunner.Json))
            {
                host.Out.WriteLine(JsonSerializer.Serialize(WorkerRows.ToJson(worker, null, host.Time.GetUtcNow()), CliJson.Readable.WorkerJson));
            }
            else
            {
                host.Out.WriteLine($"prophet {(restarted ? "restarted" : "started")} ({worker.Agent}) in session {worker.Session}; talk to it with `baton attach {Name}` or `baton send {Name} \"...\"`");
            }

            return 0;
        });
        return command;
    }
}
