using System.CommandLine;
using System.Text.Json;
using Baton.Cli.Host;
using Baton.Cli.Rendering;
using Baton.Core;
using Baton.Core.GitHub;
using Baton.Core.Merge;
using Baton.Core.Tickets;

namespace Baton.Cli.Commands;

/// <summary>`baton pr ...`: tickets' branches as GitHub pull requests.</summary>
internal static class PrCommand
{
    public static Command Create() => new("pr", "Open and follow GitHub pull requests for tickets' branches")
    {
        Open(), List(), GitHubCommand.Sync("sync", "Ask GitHub about open pull requests now (merged -> done) and write ticket state back to imported issues"),
    };

    private static Command Open()
    {
        var id = new Argument<string>("ticket") { Description = "The ticket whose branch goes out, e.g. T-4" };
        var command = new Command("open", "Push the ticket's branch to the remote and open a pull request against its target (once; again prints the open one)") { id, CommandRunner.Json };
        CommandRunner.Bind(command, async (parse, host, ct) =>
        {
            var ticket = host.TicketStore.GetTicket(TicketId.Parse(parse.GetValue(id)!))
                ?? throw BatonException.Usage($"unknown ticket {parse.GetValue(id)}: `baton ticket list` shows the tickets");
            var (pr, opened) = await host.PullRequests().OpenAsync(host.GitHub(), ticket, ct).ConfigureAwait(false);
            if (parse.GetValue(CommandRunner.Json))
            {
                host.Out.WriteLine(JsonSerializer.Serialize(new PrOpenJson(opened, Json(pr)), GitHubCliJson.Readable.PrOpenJson));
            }
            else
            {
                host.Out.WriteLine($"{ticket.Id}: pull request #{pr.Number} {(opened ? "opened" : "is already open")}: {pr.Branch} -> {pr.Target}  {pr.Url}");
            }

            return 0;
        });
        return command;
    }

    private static Command List()
    {
        var all = new Option<bool>("--all") { Description = "Also merged and closed ones" };
        var command = new Command("list", "List the pull requests Baton opened, oldest first") { all, CommandRunner.Json };
        CommandRunner.Bind(command, (parse, host, _) =>
        {
            var rows = host.GitHubStore.PullRequests(openOnly: !parse.GetValue(all));
            if (parse.GetValue(CommandRunner.Json))
            {
                host.Out.WriteLine(JsonSerializer.Serialize(rows.Select(Json).ToList(), GitHubCliJson.Readable.ListPullRequestJson));
            }
            else if (rows.Count == 0)
            {
                host.Out.WriteLine("No pull requests.");
            }
            else
            {
                foreach (var pr in rows)
                {
                    host.Out.WriteLine($"{(pr.Ticket is { } n ? TicketId.Format(n) : "-"),-6} #{pr.Number,-5} {pr.Status.ToText(),-9} {pr.Branch} -> {pr.Target}  {pr.Url}");
                }
            }

            return Task.FromResult(0);
        });
        return command;
    }

    internal static PullRequestJson Json(MergeRequest pr) =>
        new(pr.Ticket is { } n ? TicketId.Format(n) : null, pr.Number, pr.Url, pr.Branch, pr.Target, pr.Status.ToText(), pr.UpdatedAt);
}
