using System.CommandLine;
using System.Text.Json;
using Baton.Cli.Rendering;
using Baton.Core;
using Baton.Core.Workers;

namespace Baton.Cli.Commands;

/// <summary>`baton spawn`: start an agent in its own tmux session (or headless) and give it a task.</summary>
internal static class SpawnCommand
{
    public static Command Create()
    {
        var name = new Option<string?>("--name", "-n") { Description = "Worker name: 1-40 lowercase letters, digits or '-' (default: a generated one)" };
        var agent = new Option<string?>("--agent", "-a") { Description = "Agent profile: claude, codex, gemini, aider, scripted, or .baton/agents/NAME.yaml (default: config agents.default)" };
        var dir = new Option<string?>("--dir", "-C") { Description = "Folder the agent works in (default: the current one)" };
        var role = new Option<string?>("--role") { Description = "Role the agent plays (`baton role list`): its prompt, directives and the named agent's memory go to the agent; its permissions, hooks and git guards apply to the worker" };
        var headless = new Option<bool>("--headless") { Description = "Run the agent's non-interactive mode as a child process; output goes to .baton/logs/NAME.log" };
        var sandbox = new Option<string?>("--sandbox") { Description = "Confinement: bwrap (the agent sees only its worktree, its own HOME and /tmp; docs/sandbox.md) or none; default: the role's or config's sandbox.mode" };
        sandbox.AcceptOnlyFromAmong("none", "bwrap");
        var network = new Option<string?>("--network") { Description = "With a sandbox: allow (default), none (a network namespace of its own) or loopback (that, and the host 127.0.0.1 ports it needs: its model API's, allow_hosts'); docs/sandbox.md" };
        network.AcceptOnlyFromAmong("allow", "none", "loopback");
        var force = new Option<bool>("--force") { Description = "Start it even when autopilot.max_workers, the spawn rate or the profile's max_instances says no" };
        var prompt = new Argument<string?>("prompt") { Description = "The task to type into the agent; '-' reads it from standard input", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("spawn", "Start an agent in its own tmux session, wait until it is ready, and type the task") { name, agent, dir, role, headless, sandbox, network, force, prompt, CommandRunner.Json };
        CommandRunner.Bind(command, async (parse, host, ct) =>
        {
            var text = parse.GetValue(prompt) ?? "";
            if (text == "-")
            {
                text = await host.In.ReadToEndAsync(ct).ConfigureAwait(false);
            }

            if (parse.GetValue(headless) && text.Length == 0)
            {
                throw BatonException.Usage("a headless agent needs its task as the prompt argument");
            }

            // Bad input is said before a limit that would only make the user wait to hear it.
            if (parse.GetValue(name) is { } given)
            {
                Baton.Core.Workers.WorkerName.Validate(given);
            }

            if (!parse.GetValue(force))
            {
                CheckLimits(host, parse.GetValue(agent), parse.GetValue(role));
            }

            var worker = await host.WorkerSpawner().SpawnAsync(new SpawnRequest
            {
                Name = parse.GetValue(name),
                Agent = parse.GetValue(agent),
                Role = parse.GetValue(role),
                Directory = parse.GetValue(dir) ?? host.Environment.WorkingDirectory,
                Prompt = text,
                Headless = parse.GetValue(headless),
                Sandbox = new Baton.Core.Sandbox.SandboxSettings
                {
                    Mode = parse.GetValue(sandbox) switch { "bwrap" => Baton.Core.Sandbox.SandboxMode.Bwrap, "none" => Baton.Core.Sandbox.SandboxMode.None, _ => null },
                    Network = parse.GetValue(network) switch { "none" => Baton.Core.Sandbox.SandboxNetwork.None, "loopback" => Baton.Core.Sandbox.SandboxNetwork.Loopback, "allow" => Baton.Core.Sandbox.SandboxNetwork.Allow, _ => null },
                },
            }, ct).ConfigureAwait(false);

            if (parse.GetValue(CommandRunner.Json))
            {
                host.Out.WriteLine(JsonSerializer.Serialize(WorkerRows.ToJson(worker, null, host.Time.GetUtcNow()), CliJson.Readable.WorkerJson));
            }
            else
            {
                host.Out.WriteLine(worker.Name);
            }

            return 0;
        });
        return command;
    }

    /// <summary>The autopilot's limits, counted over the store: live workers, the profile's, and every spawn of the last window.</summary>
    private static void CheckLimits(Host.CliHost host, string? agent, string? role)
    {
        var profile = agent ?? (role is null ? null : host.Roles().Catalog.GetRole(role).Agent) ?? host.Config.DefaultAgent;
        var cfg = host.Config.Autopilot;
        var max = new Dictionary<string, int>(cfg.MaxInstances, StringComparer.Ordinal);
        if (host.Profiles.Names().Contains(profile) && host.Profiles.Get(profile).MaxInstances is { } own)
        {
            max[profile] = max.TryGetValue(profile, out var configured) ? Math.Min(own, configured) : own;
        }

        var now = host.Time.GetUtcNow();
        var since = now - SpawnLimits.Window(cfg);
        var spawns = host.Store.RecentEvents(new Baton.Core.Storage.EventQuery(1000, Type: Baton.Core.Events.EventTypes.WorkerSpawned, Since: since)).Select(e => e.Time).ToList();
        if (SpawnLimits.Check(cfg, max, host.Store.ListWorkers(includeKilled: false), spawns, profile, now) is { } why)
        {
            throw new BatonException("not spawned: " + why);
        }
    }
}
