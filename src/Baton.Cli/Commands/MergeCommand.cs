using System.CommandLine;
using System.Text.Json;
using Baton.Cli.Rendering;
using Baton.Core.Merge;
using Baton.Core.Tickets;
using Spectre.Console;

namespace Baton.Cli.Commands;

/// <summary>`baton merge-queue` (what waits to be merged, in order, and why) and `baton merge T-4` (queue a ticket's branch now).</summary>
internal static class MergeCommand
{
    public static Command CreateQueue()
    {
        var finished = new Option<int>("--finished") { Description = "Also show this many of the latest finished requests", DefaultValueFactory = _ => 10 };
        var command = new Command("merge-queue", "What waits to be merged, in the order it lands, and why; then the latest merged, failed or cancelled") { finished, CommandRunner.Json };
        CommandRunner.Bind(command, (parse, host, _) =>
        {
            var rows = Rows(host, parse.GetValue(finished));
            if (parse.GetValue(CommandRunner.Json))
            {
                host.Out.WriteLine(JsonSerializer.Serialize(rows, CliJson.Readable.ListMergeRequestJson));
                return Task.FromResult(0);
            }

            if (rows.Count == 0)
            {
                host.Out.WriteLine("The merge queue is empty. Tickets join it when their gate passes, or with `baton merge T-n`.");
                return Task.FromResult(0);
            }

            var table = new Table().Border(TableBorder.Simple);
            table.AddColumns("#", "TICKET", "BRANCH", "INTO", "STATUS", "WHY");
            foreach (var r in rows)
            {
                var colour = r.Status switch { "merged" => "green", "queued" or "merging" => "blue", "cancelled" or "superseded" => "grey", _ => "red" };
                table.AddRow(r.Position?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "", r.Ticket ?? "-", Markup.Escape(r.Branch), Markup.Escape(r.Target),
                    $"[{colour}]{r.Status}[/]", Markup.Escape(Why(r)));
            }

            host.Console.Write(table);
            if (rows.Any(r => r.Position is not null) && !Running(host))
            {
                host.Out.WriteLine("No `baton up` is running: queued branches land once it runs.");
            }

            return Task.FromResult(0);
        });
        return command;
    }

    /// <summary>The queue in landing order, then the latest <paramref name="finished"/> finished requests (the dashboard lists the same).</summary>
    internal static List<MergeRequestJson> Rows(Host.CliHost host, int finished) =>
        host.MergeQueue().List(Math.Max(0, finished)).Select((m, i) => new MergeRequestJson(m.IsOpen ? i + 1 : null, m.Ticket is { } n ? TicketId.Format(n) : null, m.Branch, m.Target, m.Kind.ToText(), m.Status.ToText(), m.Detail, m.CreatedAt, m.UpdatedAt)).ToList();

    public static Command CreateMerge()
    {
        var id = new Argument<string?>("ticket") { Description = "T-n or n", Arity = ArgumentArity.ZeroOrOne };
        var into = new Option<string?>("--into") { Description = "Target branch (default: the ticket's target, or the feature's base branch)" };
        var feature = new Option<string?>("--feature") { Description = "Queue the feature's integration branch feature/NAME/overseer instead (what an overseer does when the feature is complete)" };
        var command = new Command("merge", "Queue a ticket's branch (or a feature's overseer branch) for merging now; the gate runs on the merge result first") { id, into, feature, CommandRunner.Json };
        CommandRunner.Bind(command, (parse, host, _) =>
        {
            var queue = host.MergeQueue();
            if (parse.GetValue(feature) is { } name)
            {
                if (parse.GetValue(id) is not null)
                {
                    throw Baton.Core.BatonException.Usage("give a ticket or --feature, not both");
                }

                var (fr, fresh) = queue.EnqueueFeature(name, parse.GetValue(into), b => host.Git.Resolve(host.Paths.Root, "refs/heads/" + b), host.Config.Autopilot.BaseBranch ?? host.Git.CurrentBranch(host.Paths.Root));
                return Task.FromResult(Report(host, parse, null, fr, fresh));
            }

            var ticketId = parse.GetValue(id) ?? throw Baton.Core.BatonException.Usage("which ticket? `baton merge T-n`, or `baton merge --feature NAME` for a feature's overseer branch");
            var (ticket, request, added) = queue.Enqueue(ticketId, parse.GetValue(into));
            return Task.FromResult(Report(host, parse, ticket.Id, request, added));
        });
        return command;
    }

    private static int Report(Host.CliHost host, ParseResult parse, string? ticket, MergeRequest request, bool added)
    {
        var position = host.MergeStore.MergeRequests(openOnly: true).ToList().FindIndex(m => m.Id == request.Id) + 1;
        if (parse.GetValue(CommandRunner.Json))
        {
            host.Out.WriteLine(JsonSerializer.Serialize(new MergeRequestJson(position, ticket, request.Branch, request.Target, request.Kind.ToText(), request.Status.ToText(), request.Detail, request.CreatedAt, request.UpdatedAt), CliJson.Readable.MergeRequestJson));
            return 0;
        }

        host.Out.WriteLine($"{ticket ?? "feature"}: {request.Branch} {(added ? "queued" : "was already queued")} to merge into {request.Target}, position {position}."
            + (Running(host) ? "" : " No `baton up` is running: it lands once one runs."));
        return 0;
    }

    private static string Why(MergeRequestJson r) => r.Status switch
    {
        "queued" when r.Detail?.StartsWith("tested ", StringComparison.Ordinal) == true => $"gate passed on {r.Detail[7..Math.Min(r.Detail.Length, 19)]}; lands after those above",
        "queued" => (r.Detail ?? "") + "; lands after those above",
        "merged" => "merged at " + (r.Detail is { Length: >= 12 } c ? c[..12] : r.Detail),
        _ => r.Detail ?? "",
    };

    private static bool Running(Host.CliHost host) => host.AutopilotLock.Holder() is not null;
}
