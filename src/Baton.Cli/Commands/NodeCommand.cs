using System.CommandLine;
using System.Globalization;
using System.Text.RegularExpressions;
using Baton.Cli.Host;
using Baton.Core;
using Baton.Core.Nodes;

namespace Baton.Cli.Commands;

/// <summary>`baton node`: the autopilot as one named node of a fleet on the shared store (docs/nodes.md).</summary>
internal static partial class NodeCommand
{
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex NamePattern();

    public static Command Create()
    {
        var name = new Option<string?>("--name") { Description = "This node's name (default: the host name); two nodes of one name never run at once" };
        var capacity = new Option<int>("--capacity") { Description = "Most agents this node runs at once (1 to 200)", DefaultValueFactory = _ => 8 };
        var labels = new Option<string?>("--labels") { Description = "What this node offers, comma-separated (e.g. gpu,linux): it takes only tickets whose --requires it has" };
        var untilDone = new Option<bool>("--until-done") { Description = "Stop once every ticket settled (as `baton up --until-done`)" };
        var plain = new Option<bool>("--plain") { Description = "One line per action instead of the live table (the default when output is not a terminal)" };
        var command = new Command("node", "Run the autopilot as a node: take ready work it can run under a lease, renew it on a heartbeat, give up what it lost") { name, capacity, labels, untilDone, plain, CommandRunner.Json };
        CommandRunner.Bind(command, async (parse, host, ct) =>
        {
            var node = Node(parse.GetValue(name) ?? System.Environment.MachineName, parse.GetValue(capacity), parse.GetValue(labels), host);
            host.Preflight().Check(host.Config);
            host.CheckNodeRemote();
            if (host.Config.Nodes.EffectiveHeartbeat >= node.LeaseTtl)
            {
                // A lease renewed no sooner than it expires would be lost between two beats.
                throw new BatonException($"nodes.heartbeat ({host.Config.Nodes.Heartbeat.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s) must be shorter than nodes.lease_ttl ({node.LeaseTtl.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s) in .baton/config.yaml; 0s takes a third of it");
            }

            var keeper = new LeaseKeeper(host.LeaseStore, host.Time, node, host.Config.Nodes.EffectiveHeartbeat);
            var view = parse.GetValue(CommandRunner.Json) ? AutopilotView.Json
                : parse.GetValue(plain) || host.Output.IsOutputRedirected ? AutopilotView.Plain
                : AutopilotView.Live;
            using var signals = new StopSignals(ct);
            Core.Dispatch.AutopilotSession started;
            try
            {
                started = host.NodeRun(keeper).Start();
            }
            catch (BatonException) when (host.SharedStore)
            {
                // The lock refused is the node name's, not the repository's `baton up` lock.
                throw new BatonException($"a node named '{node.Name}' is already running on this store: stop it first, or give this one another --name");
            }

            using var session = started;
            var render = new AutopilotRenderer(host, view);
            render.Announce($"Node '{node.Name}': capacity {node.Capacity.ToString(CultureInfo.InvariantCulture)}, labels {(node.Labels.Count == 0 ? "none" : string.Join(",", node.Labels))}, lease_ttl {node.LeaseTtl.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s");
            var reason = "on request";
            try
            {
                await render.RunAsync(async update => reason = await session.RunAsync(parse.GetValue(untilDone), update, signals.Token).ConfigureAwait(false)).ConfigureAwait(false);
            }
            finally
            {
                // Its leases stay until released or expired: the agents it started keep working
                // and a node started again under this name adopts them.
                try
                {
                    host.LeaseStore.NodeStopped(node.Name, host.Time.GetUtcNow());
                }
                catch (Exception e) when (e is not OutOfMemoryException && host.StoreLinkDown)
                {
                    // Stopped while away from the store: its leases expire on their own, and the
                    // error that ended the run is the one to show, not this one.
                }
            }

            return render.Finish(reason).NeedsHuman ? 1 : 0;
        });
        return command;
    }

    private static NodeInfo Node(string name, int capacity, string? labels, CliHost host)
    {
        if (!NamePattern().IsMatch(name))
        {
            throw BatonException.Usage($"'{name}' is no node name: letters, digits and . _ -, starting with a letter or digit, at most 64");
        }

        if (capacity is < 1 or > 200)
        {
            throw BatonException.Usage($"--capacity must be 1 to 200, not {capacity.ToString(CultureInfo.InvariantCulture)}");
        }

        var list = (labels ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();
        if (list.FirstOrDefault(l => !NamePattern().IsMatch(l)) is { } bad)
        {
            throw BatonException.Usage($"--labels has '{bad}', which is no label: letters, digits and . _ -");
        }

        var now = host.Time.GetUtcNow();
        return new NodeInfo
        {
            Name = name,
            Host = System.Environment.MachineName,
            Pid = System.Environment.ProcessId,
            Capacity = capacity,
            Labels = list,
            LeaseTtl = host.Config.Nodes.LeaseTtl,
            StartedAt = now,
            HeartbeatAt = now,
        };
    }
}
