using System.CommandLine;
using System.Text.Json;
using Baton.Cli.Rendering;
using Baton.Core.Merge;

namespace Baton.Cli.Commands;

/// <summary>`baton gate T-3 | --branch B`: the quality gate on demand, recorded like the autopilot's gate runs.</summary>
internal static class GateCommand
{
    public static Command Create()
    {
        var ticket = new Argument<string?>("ticket") { Description = "The ticket whose branch to test (T-3 or 3)", Arity = ArgumentArity.ZeroOrOne };
        var branch = new Option<string?>("--branch", "-b") { Description = "Test this local branch instead of a ticket's" };
        var role = new Option<string?>("--role") { Description = "Run this role's gate (gate.roles.ROLE); default: the ticket's role, else gate.commands" };
        var command = new Command("gate", "Run the quality gate (gate.commands) on a ticket's or a branch's committed head, in a scratch worktree; exit 1 when it fails")
        {
            ticket, branch, role, CommandRunner.Json,
        };
        CommandRunner.Bind(command, async (parse, host, ct) =>
        {
            var json = parse.GetValue(CommandRunner.Json);
            var config = host.Config.Autopilot;
            var gate = new OnDemandGate(new Baton.Core.Git.LockedWorktrees(host.Git), host.Git, new GateRunner(host.Runner, Baton.Core.Security.Redactor.From(host.Variables)),
                host.MergeStore, host.Store, host.TicketStore, host.Files, host.Time, host.Paths.Root, host.WorkPaths.WorktreesDir);
            var asked = parse.GetValue(role);
            if (asked is not null)
            {
                host.Roles().Catalog.GetRole(asked);
            }

            var workers = host.Store;
            var result = await gate.RunAsync(parse.GetValue(ticket), parse.GetValue(branch),
                t => config.GateCommandsFor(asked ?? (t?.Assignee is { } a ? workers.GetWorker(a)?.Role : null) ?? t?.RoleWanted), config.GateTimeout,
                line => host.Error.WriteLine("gate: " + line), ct).ConfigureAwait(false);
            var run = result.Run;
            if (json)
            {
                host.Out.WriteLine(JsonSerializer.Serialize(new OnDemandGateJson(run.Id, run.Ticket is { } n ? Baton.Core.Tickets.TicketId.Format(n) : null, result.Branch, result.Commit,
                    run.Kind, run.Status, run.Passed, run.Failed, run.Skipped, result.Outcome.Summary, run.Output, run.StartedAt, run.FinishedAt), CliJson.Readable.OnDemandGateJson));
            }
            else
            {
                if (!result.Outcome.Passed)
                {
                    host.Out.WriteLine(run.Output.TrimEnd());
                }

                host.Out.WriteLine($"gate {run.Status} on {result.Branch} at {result.Commit[..12]}: {result.Outcome.Summary} (gate run {run.Id})");
            }

            return result.Outcome.Passed ? 0 : 1;
        });
        return command;
    }

    /// <summary>`baton gates [--ticket T-3] [--limit N]`: the latest gate runs, the autopilot's and those on demand.</summary>
    public static Command CreateList()
    {
        var ticket = new Option<string?>("--ticket", "-t") { Description = "Only this ticket's gate runs" };
        var limit = new Option<int>("--limit", "-n") { Description = "How many, newest first (1-1000)", DefaultValueFactory = _ => 20 };
        var command = new Command("gates", "The latest gate runs, newest first: where, on what, with what result") { ticket, limit, CommandRunner.Json };
        CommandRunner.Bind(command, (parse, host, _) =>
        {
            var n = parse.GetValue(limit);
            if (n is < 1 or > 1000)
            {
                throw Baton.Core.BatonException.Usage($"invalid --limit {n}: give 1 to 1000");
            }

            long? number = parse.GetValue(ticket) is { } id ? Baton.Core.Tickets.TicketId.Parse(id) : null;
            if (number is { } t && host.TicketStore.GetTicket(t) is null)
            {
                throw Baton.Core.BatonException.Usage($"unknown ticket {Baton.Core.Tickets.TicketId.Format(t)}: `baton ticket list` shows the tickets");
            }

            var runs = host.MergeStore.GateRuns(number, n);
            if (parse.GetValue(CommandRunner.Json))
            {
                host.Out.WriteLine(JsonSerializer.Serialize(runs.Select(GateRunJson.From).ToList(), ViewJson.Readable.ListGateRunJson));
                return Task.FromResult(0);
            }

            if (runs.Count == 0)
            {
                host.Out.WriteLine("no gate runs yet");
            }

            foreach (var r in runs)
            {
                var who = r.Ticket is { } tn ? Baton.Core.Tickets.TicketId.Format(tn) : "-";
                var counts = r.Passed is null && r.Failed is null ? "" : $" ({r.Passed ?? 0} passed, {r.Failed ?? 0} failed)";
                host.Out.WriteLine($"{r.Id,5}  {r.StartedAt.ToLocalTime():yyyy-MM-dd HH:mm:ss}  {who,-6} {r.Kind,-8} {r.Status,-9} {r.Branch}{counts}");
            }

            return Task.FromResult(0);
        });
        return command;
    }
}
