using System.CommandLine;
using System.Text.Json;
using Baton.Cli.Host;
using Baton.Cli.Rendering;
using Baton.Core;
using Baton.Core.Storage;
using Baton.Core.Tickets;
using Spectre.Console;

namespace Baton.Cli.Commands;

/// <summary>`baton ticket ...`: the queue of work.</summary>
internal static class TicketCommand
{
    /// <summary>`ticket list`'s default --limit (the dashboard lists as many).</summary>
    internal const int DefaultListLimit = 1000;

    public static Command Create()
    {
        var command = new Command("ticket", "Create, list, show, assign and update tickets (units of work)")
        {
            CreateTicket(), ListTickets(), ShowTicket(), AssignTicket(), UpdateTicket(), DoneTicket(), AcceptProposal(),
        };
        command.Aliases.Add("tickets");
        return command;
    }

    private static Command CreateTicket()
    {
        var title = new Argument<string>("title") { Description = "What the ticket is about" };
        var body = new Option<string?>("--body", "-b") { Description = "The details; '-' reads them from standard input" };
        var priority = new Option<string?>("--priority", "-p") { Description = "critical, high, medium (default) or low" };
        var labels = new Option<string[]>("--label", "-l") { Description = "A label (repeat, or comma-separated)", AllowMultipleArgumentsPerToken = false };
        var feature = new Option<string?>("--feature", "-f") { Description = "The feature it belongs to (baton feature add)" };
        var deps = new Option<string[]>("--depends-on", "-d") { Description = "A ticket it waits for (repeat, or comma-separated)" };
        var role = new Option<string?>("--role") { Description = "The role that should take it" };
        var agent = new Option<string?>("--agent") { Description = "The agent profile that should take it" };
        var limit = new Option<int?>("--time-limit") { Description = "Most minutes it may run once started" };
        var paths = new Option<string[]>("--paths") { Description = "Files it expects to change: globs, comma-separated or repeated (src/api/**); see hold_on_overlap" };
        var requires = new Option<string[]>("--requires") { Description = "A label the node that runs it must have (`baton node --labels`; repeat, or comma-separated); kept as the label requires:LABEL" };
        var implementor = new Option<string?>("--implementor") { Description = "With --feature: run it on the feature's implementor branch feature/FEATURE/impl-NAME (role implementor unless --role)" };
        var command = new Command("create", "File a new ticket; prints its id") { title, body, priority, labels, feature, deps, role, agent, limit, paths, requires, implementor, CommandRunner.Json };
        CommandRunner.Bind(command, async (parse, host, ct) =>
        {
            var text = parse.GetValue(body) ?? "";
            if (text == "-")
            {
                text = await host.In.ReadToEndAsync(ct).ConfigureAwait(false);
            }

            var ticket = host.Tickets().Create(new CreateTicketRequest
            {
                Title = parse.GetValue(title)!,
                Body = text,
                Priority = parse.GetValue(priority),
                Labels = [.. parse.GetValue(labels) ?? [], .. (parse.GetValue(requires) ?? []).SelectMany(r => r.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Select(r => Baton.Core.Nodes.LeaseKeeper.RequiresPrefix + r)],
                Feature = parse.GetValue(feature),
                DependsOn = Split(parse.GetValue(deps)),
                Role = parse.GetValue(role),
                Agent = parse.GetValue(agent),
                TimeLimitMinutes = parse.GetValue(limit),
                Paths = parse.GetValue(paths) ?? [],
                Implementor = parse.GetValue(implementor),
            });
            if (parse.GetValue(implementor) is { } name && ticket.Feature is { } featureName)
            {
                // Its branch merges into the overseer branch: both exist before it is dispatched (as `feature init` makes them).
                var made = new Baton.Core.Tickets.FeatureBranches(host.Git, host.TicketStore, host.Store, host.Time, host.Paths.Root) { Remote = host.FleetRemote() }
                    .Init(featureName, null, [name], null, host.Config.Autopilot.BaseBranch);
                foreach (var (branch, _) in made.Branches.Where(b => b.Created))
                {
                    host.Error.WriteLine($"created {branch} from {made.BaseBranch}");
                }
            }

            Print(host, ticket.Id, parse.GetValue(CommandRunner.Json), quiet: true);
            return 0;
        });
        return command;
    }

    private static Command AcceptProposal()
    {
        var proposal = new Argument<long>("proposal") { Description = "The proposal's number (the subtickets_proposed event's id that propose_subtickets returned)" };
        var command = new Command("accept", "File the subtickets an agent proposed (MCP propose_subtickets), with their dependencies, in the parent's feature") { proposal, CommandRunner.Json };
        CommandRunner.Bind(command, (parse, host, _) =>
        {
            var by = host.Environment.Variable("BATON_WORKER") ?? "cli";
            var filed = new Baton.Core.Tickets.SubticketAcceptance(host.TicketStore, host.Store, host.Time).Accept(parse.GetValue(proposal), by);
            var tickets = host.Tickets();
            if (parse.GetValue(CommandRunner.Json))
            {
                host.Out.WriteLine(JsonSerializer.Serialize(filed.Select(t => TicketJson.From(tickets.Show(t.Id))).ToList(), CliJson.Readable.ListTicketJson));
                return Task.FromResult(0);
            }

            foreach (var t in filed)
            {
                host.Out.WriteLine($"{t.Id} filed: {t.Title}{(t.DependsOn.Count == 0 ? "" : " (after " + string.Join(", ", t.DependsOn.Select(TicketId.Format)) + ")")}");
            }

            return Task.FromResult(0);
        });
        return command;
    }

    private static Command ListTickets()
    {
        var status = new Option<string?>("--status", "-s") { Description = "Only tickets in this status" };
        var label = new Option<string?>("--label", "-l") { Description = "Only tickets with this label" };
        var feature = new Option<string?>("--feature", "-f") { Description = "Only tickets of this feature" };
        var assignee = new Option<string?>("--assignee") { Description = "Only tickets assigned to this worker" };
        var ready = new Option<bool>("--ready") { Description = "Only tickets ready to start, in dispatch order (priority, then age)" };
        var limit = new Option<int>("--limit") { Description = "At most this many", DefaultValueFactory = _ => DefaultListLimit };
        var command = new Command("list", "List tickets") { status, label, feature, assignee, ready, limit, CommandRunner.Json };
        CommandRunner.Bind(command, (parse, host, _) =>
        {
            var query = new TicketQuery(
                parse.GetValue(status) is { } s ? TicketStatuses.Parse(s) : null,
                parse.GetValue(label),
                parse.GetValue(feature),
                parse.GetValue(assignee));
            var n = parse.GetValue(limit);
            if (n < 1)
            {
                throw BatonException.Usage($"--limit must be at least 1, not {n}");
            }

            var views = host.Tickets().List(query, parse.GetValue(ready), n);
            if (parse.GetValue(CommandRunner.Json))
            {
                host.Out.WriteLine(JsonSerializer.Serialize(views.Select(TicketJson.From).ToList(), CliJson.Readable.ListTicketJson));
                return Task.FromResult(0);
            }

            if (views.Count == 0)
            {
                host.Out.WriteLine(parse.GetValue(ready) ? "No ticket is ready." : "No tickets. File one with: baton ticket create \"TITLE\"");
                return Task.FromResult(0);
            }

            var table = new Table().Border(TableBorder.Simple);
            table.AddColumns("ID", "STATUS", "PRIORITY", "TITLE", "DEPENDS ON", "ASSIGNEE", "FEATURE");
            foreach (var v in views)
            {
                var t = v.Ticket;
                var status = t.Status.ToText() + (v.BlockedBy.Count > 0 ? " (blocked by " + string.Join(",", v.BlockedBy.Select(TicketId.Format)) + ")" : v.Ready ? " (ready)" : "");
                table.AddRow(t.Id, Markup.Escape(status), t.Priority.ToText(), Markup.Escape(t.Title),
                    string.Join(",", t.DependsOn.Select(TicketId.Format)), Markup.Escape(t.Assignee ?? "-"), Markup.Escape(t.Feature ?? "-"));
            }

            host.Console.Write(table);
            return Task.FromResult(0);
        });
        return command;
    }

    private static Command ShowTicket()
    {
        var id = new Argument<string>("id") { Description = "T-n or n" };
        var command = new Command("show", "Everything about one ticket") { id, CommandRunner.Json };
        CommandRunner.Bind(command, (parse, host, _) =>
        {
            Print(host, parse.GetValue(id)!, parse.GetValue(CommandRunner.Json), quiet: false);
            return Task.FromResult(0);
        });
        return command;
    }

    private static Command AssignTicket()
    {
        var id = new Argument<string>("id") { Description = "T-n or n" };
        var worker = new Argument<string>("worker") { Description = "A live worker (baton list)" };
        var command = new Command("assign", "Give a ready ticket to a running worker: records it and types the ticket to the agent") { id, worker, CommandRunner.Json };
        CommandRunner.Bind(command, async (parse, host, ct) =>
        {
            var tickets = host.Tickets();
            var (ticket, outcome) = await tickets.AssignAsync(parse.GetValue(id)!, parse.GetValue(worker)!, ct).ConfigureAwait(false);
            if (parse.GetValue(CommandRunner.Json))
            {
                host.Out.WriteLine(JsonSerializer.Serialize(new AssignJson(TicketJson.From(tickets.Show(ticket.Id)), outcome.Verified, outcome.Detail), CliJson.Readable.AssignJson));
            }
            else
            {
                host.Out.WriteLine($"{ticket.Id} assigned to {ticket.Assignee}" + (outcome.Verified ? "; the task was typed and submitted" : ""));
            }

            if (!outcome.Verified)
            {
                await host.Error.WriteLineAsync($"baton: {ticket.Id} is assigned, but the prompt was not confirmed as submitted ({outcome.Detail}); look with `baton capture {ticket.Assignee}`").ConfigureAwait(false);
                return BatonException.FailureExitCode;
            }

            return 0;
        });
        return command;
    }

    private static Command UpdateTicket()
    {
        var id = new Argument<string>("id") { Description = "T-n or n" };
        var status = new Option<string?>("--status", "-s") { Description = "New status: open, queued, in-progress, testing, review, done, blocked, failed, cancelled" };
        var note = new Option<string?>("--note", "-m") { Description = "A progress note (recorded as a status_update event)" };
        var priority = new Option<string?>("--priority", "-p") { Description = "New priority" };
        var labels = new Option<string[]>("--label", "-l") { Description = "Add a label" };
        var deps = new Option<string[]>("--depends-on", "-d") { Description = "Add a dependency (refused if it makes a cycle)" };
        var branch = new Option<string?>("--branch") { Description = "The branch the work is on (work done by hand): `baton conflicts` watches it" };
        var paths = new Option<string[]>("--paths") { Description = "Replace the files it expects to change: globs, comma-separated or repeated (src/api/**)" };
        var dropLabels = new Option<string[]>("--remove-label") { Description = "Take a label off (repeat, or comma-separated)" };
        var dropDeps = new Option<string[]>("--remove-dependency") { Description = "Drop a dependency (T-n; repeat, or comma-separated)" };
        var force = new Option<bool>("--force") { Description = "With --status done: also on a ticket the autopilot works on (its uncommitted work is saved first) or whose dependencies are not done" };
        var blocker = new Option<string?>("--blocker") { Description = "With --status blocked: dependency, conflict, external or technical (default: dependency with unfinished dependencies, conflict with an active conflict on its branch, else technical)" };
        var command = new Command("update", "Change a ticket's status (checked), note, priority, labels, dependencies, branch or paths") { id, status, note, priority, labels, dropLabels, deps, dropDeps, branch, paths, force, blocker, CommandRunner.Json };
        CommandRunner.Bind(command, (parse, host, _) =>
        {
            if (parse.GetValue(force) && parse.GetValue(status) is { } to && TicketStatuses.Parse(to) == TicketStatus.Done)
            {
                SnapshotBeforeForcedDone(host, parse.GetValue(id)!);
            }

            var ticket = host.Tickets().Update(parse.GetValue(id)!, new UpdateTicketRequest
            {
                FromAgent = FromAgent(host),
                Worker = host.Environment.Variable("BATON_WORKER"),
                RemoveLabels = parse.GetValue(dropLabels) ?? [],
                RemoveDependsOn = parse.GetValue(dropDeps) ?? [],
                Force = parse.GetValue(force),
                Status = parse.GetValue(status),
                Note = parse.GetValue(note),
                Priority = parse.GetValue(priority),
                AddLabels = parse.GetValue(labels) ?? [],
                DependsOn = Split(parse.GetValue(deps)),
                Branch = parse.GetValue(branch),
                Paths = parse.GetValue(paths) is { Length: > 0 } p ? p : null,
                Blocker = parse.GetValue(blocker),
            });
            Print(host, ticket.Id, parse.GetValue(CommandRunner.Json), quiet: true);
            return Task.FromResult(0);
        });
        return command;
    }

    private static Command DoneTicket()
    {
        var id = new Argument<string>("id") { Description = "T-n or n" };
        var summary = new Option<string?>("--summary", "-m") { Description = "What was done" };
        var artifacts = new Option<string[]>("--artifact", "-a") { Description = "A file or link the work produced (repeat)" };
        var force = new Option<bool>("--force") { Description = "A person's done on a ticket the autopilot works on (skips its gate and merge; its uncommitted work is saved first) or whose dependencies are not done" };
        var command = new Command("done", "Mark a ticket done (what an agent runs when it finishes)") { id, summary, artifacts, force, CommandRunner.Json };
        CommandRunner.Bind(command, (parse, host, _) =>
        {
            if (parse.GetValue(force) && !FromAgent(host))
            {
                SnapshotBeforeForcedDone(host, parse.GetValue(id)!);
            }

            var ticket = host.Tickets().Update(parse.GetValue(id)!, new UpdateTicketRequest
            {
                Status = "done",
                Summary = parse.GetValue(summary) ?? "",
                Artifacts = parse.GetValue(artifacts) ?? [],
                FromAgent = FromAgent(host),
                Force = parse.GetValue(force),
                Worker = host.Environment.Variable("BATON_WORKER"),
            });
            Print(host, ticket.Id, parse.GetValue(CommandRunner.Json), quiet: true);
            return Task.FromResult(0);
        });
        return command;
    }

    private static List<string> Split(string[]? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();

    private static void Print(CliHost host, string id, bool json, bool quiet)
    {
        var view = host.Tickets().Show(id);
        if (json)
        {
            var blockers = host.TicketStore.Blockers(view.Ticket.Number).Select(BlockerJson.From).ToList();
            host.Out.WriteLine(JsonSerializer.Serialize(TicketJson.From(view) with { Blockers = blockers }, CliJson.Readable.TicketJson));
            return;
        }

        var t = view.Ticket;
        if (quiet)
        {
            host.Out.WriteLine($"{t.Id} {t.Status.ToText()}: {t.Title}");
            return;
        }

        host.Out.WriteLine($"{t.Id}  {t.Title}");
        host.Out.WriteLine($"  status:     {t.Status.ToText()}{(view.Ready ? " (ready)" : "")}{(view.BlockedBy.Count > 0 ? " (blocked by " + string.Join(", ", view.BlockedBy.Select(TicketId.Format)) + ")" : "")}");
        host.Out.WriteLine($"  priority:   {t.Priority.ToText()}");
        Line(host, "labels", t.Labels.Count == 0 ? null : string.Join(", ", t.Labels));
        Line(host, "feature", t.Feature);
        Line(host, "depends on", t.DependsOn.Count == 0 ? null : string.Join(", ", t.DependsOn.Select(TicketId.Format)));
        Line(host, "dependents", view.Dependents.Count == 0 ? null : string.Join(", ", view.Dependents.Select(TicketId.Format)));
        Line(host, "assignee", t.Assignee);
        Line(host, "wants", string.Join(" ", new[] { t.WorkerWanted is null ? null : "worker " + t.WorkerWanted, t.RoleWanted is null ? null : "role " + t.RoleWanted, t.AgentWanted is null ? null : "agent " + t.AgentWanted }.OfType<string>()) is { Length: > 0 } w ? w : null);
        Line(host, "attempts", t.Attempts == 0 ? null : t.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Line(host, "time limit", t.TimeLimitMinutes is { } m ? m + " min" : null);
        Line(host, "source", t.Source);
        Line(host, "branch", t.Branch);
        Line(host, "worktree", t.Worktree);
        Line(host, "note", t.Note);
        Line(host, "summary", t.Summary);
        Line(host, "artifacts", t.Artifacts.Count == 0 ? null : string.Join(", ", t.Artifacts));
        Line(host, "created", t.CreatedAt.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture));
        Line(host, "updated", t.UpdatedAt.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture));
        if (!string.IsNullOrWhiteSpace(t.Body))
        {
            host.Out.WriteLine();
            host.Out.WriteLine(t.Body.TrimEnd());
        }
    }

    private static void Line(CliHost host, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            host.Out.WriteLine($"  {name + ":",-11} {value}");
        }
    }

    /// <summary>
    /// Before a forced done on a ticket the autopilot works on: its uncommitted work is saved as a
    /// WIP ref (`baton wip list`), so nothing is lost when its worktree is later removed.
    /// </summary>
    private static void SnapshotBeforeForcedDone(CliHost host, string id)
    {
        var ticket = host.TicketStore.GetTicket(TicketId.Parse(id));
        if (ticket is not { Worktree: not null, Assignee: not null } || ticket.Status.IsFinished())
        {
            return;
        }

        var git = host.Git;
        var saved = new Baton.Core.Dispatch.TicketWorktrees(git, git, git, host.Store, host.Time, host.Paths.Root, host.Files).Snapshot(ticket, "marked done by a person with --force");
        if (saved is not null)
        {
            host.Error.WriteLine($"{ticket.Id}: uncommitted work saved as {saved} (`baton wip restore {saved}` brings it back)");
        }
    }

    /// <summary>A report from a Baton worker (its agent runs `baton ticket ...`), not from a person.</summary>
    private static bool FromAgent(CliHost host) => host.Environment.Variable("BATON_WORKER") is not null;
}
