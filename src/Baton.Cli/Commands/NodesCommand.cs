using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Baton.Cli.Rendering;
using Baton.Core.Nodes;
using Spectre.Console;

namespace Baton.Cli.Commands;

/// <summary>`baton nodes [--json] [--prune]`: the fleet as the shared store knows it (docs/nodes.md).</summary>
internal static class NodesCommand
{
    public static Command Create()
    {
        var prune = new Option<bool>("--prune") { Description = "Forget nodes that are stopped or lost and hold no lease" };
        var command = new Command("nodes", "List the nodes: capacity, labels, last heartbeat, the leases each holds and what it runs; a dead node shows as lost") { prune, CommandRunner.Json };
        CommandRunner.Bind(command, (parse, host, _) =>
        {
            var leases = host.LeaseStore;
            var now = host.Time.GetUtcNow();
            var pruned = parse.GetValue(prune) ? leases.PruneNodes(now) : [];
            var rows = Rows(leases, now);
            if (parse.GetValue(CommandRunner.Json))
            {
                host.Out.WriteLine(JsonSerializer.Serialize(new NodesJson(rows, pruned), CliJson.Readable.NodesJson));
                return Task.FromResult(0);
            }

            foreach (var name in pruned)
            {
                host.Out.WriteLine($"pruned node '{name}'");
            }

            if (rows.Count == 0)
            {
                host.Out.WriteLine("no nodes: `baton node` on a machine registers one");
                return Task.FromResult(0);
            }

            var table = new Table().AddColumns("NODE", "STATUS", "CAPACITY", "LABELS", "HEARTBEAT", "LEASES", "RUNS");
            foreach (var r in rows)
            {
                table.AddRow(
                    Markup.Escape(r.Name),
                    r.Status == "lost" ? "[red]lost[/]" : r.Status,
                    $"{r.Leases.Count.ToString(CultureInfo.InvariantCulture)}/{r.Capacity.ToString(CultureInfo.InvariantCulture)}",
                    Markup.Escape(r.Labels.Count == 0 ? "-" : string.Join(",", r.Labels)),
                    $"{r.HeartbeatSecondsAgo.ToString(CultureInfo.InvariantCulture)}s ago",
                    r.Leases.Count.ToString(CultureInfo.InvariantCulture),
                    Markup.Escape(r.Leases.Count == 0 ? "-" : string.Join(", ", r.Leases.Select(l => $"{l.Ticket} ({l.Worker}, token {l.Token.ToString(CultureInfo.InvariantCulture)})"))));
            }

            host.Console.Write(table);
            return Task.FromResult(0);
        });
        return command;
    }

    /// <summary>
    /// Each node with its status at <paramref name="now"/> and the leases it holds: the one shape
    /// `baton nodes`, `baton status`, the MCP `nodes` tool and the dashboard's /api/nodes share.
    /// </summary>
    internal static List<NodeJson> Rows(ILeaseStore leases, DateTimeOffset now)
    {
        var nodes = leases.Nodes();
        if (nodes.Count == 0)
        {
            return [];
        }

        var held = leases.Leases(heldOnly: true);
        return nodes.Select(n => new NodeJson(
            n.Name, n.Status(now), n.Host, n.Pid, n.Capacity, n.Labels, n.HeartbeatAt, (long)(now - n.HeartbeatAt).TotalSeconds,
            held.Where(l => l.Node == n.Name).OrderBy(l => l.Ticket).Select(l => new NodeLeaseJson(Core.Tickets.TicketId.Format(l.Ticket), l.Worker, l.Token, l.ExpiresAt)).ToList())).ToList();
    }
}
