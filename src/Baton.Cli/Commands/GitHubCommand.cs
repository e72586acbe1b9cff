using System.CommandLine;
using System.Text.Json;
using Baton.Cli.Rendering;
using Baton.Core.GitHub;

namespace Baton.Cli.Commands;

/// <summary>`baton github ...`: issues in as tickets, ticket state back out.</summary>
internal static class GitHubCommand
{
    public static Command Create() => new("github", "Import GitHub issues as tickets and write ticket state back to them")
    {
        Import(), Sync("sync", "Write ticket state back to imported issues (labels, closing comment) and follow open pull requests, now"),
    };

    private static Command Import()
    {
        var labels = new Option<string[]>("--label", "-l") { Description = "Only issues with this label (repeat, or comma-separated; all must match)" };
        var exclude = new Option<string[]>("--exclude-label", "-x") { Description = "Leave out issues with this label (repeat, or comma-separated)" };
        var issue = new Option<int?>("--issue", "-i") { Description = "Import this one issue (by number), whatever its labels" };
        var command = new Command("import", "Turn open issues (not pull requests) with the labels into tickets; issues already imported are skipped. "
            + "Labels like priority: high or p1 set the priority; \"depends on #12\" / \"blocked by #12\" in the body become dependencies") { labels, exclude, issue, CommandRunner.Json };
        CommandRunner.Bind(command, async (parse, host, ct) =>
        {
            var only = parse.GetValue(issue);
            if (only is { } n && (n < 1 || Split(parse.GetValue(labels)).Count > 0))
            {
                throw Baton.Core.BatonException.Usage(n < 1 ? "--issue takes an issue number, e.g. --issue 123" : "--issue imports one issue: leave out --label");
            }

            var github = host.GitHub();
            var importer = host.GitHubImporter();
            var outcome = only is { } number
                ? await importer.ImportIssueAsync(github, number, Split(parse.GetValue(exclude)), ct).ConfigureAwait(false)
                : await importer.ImportAsync(github, Split(parse.GetValue(labels)), Split(parse.GetValue(exclude)), ct).ConfigureAwait(false);
            if (parse.GetValue(CommandRunner.Json))
            {
                var issues = outcome.Created.Select(c => new ImportedIssueJson(c.Issue.Number, c.Issue.Title, "created", c.Ticket.Id, null))
                    .Concat(outcome.Skipped.Select(s => new ImportedIssueJson(s.Issue.Number, s.Issue.Title, "skipped", null, s.Why)))
                    .OrderBy(i => i.Issue)
                    .ToList();
                host.Out.WriteLine(JsonSerializer.Serialize(new GitHubImportJson(github.Repository, outcome.Created.Count, outcome.Skipped.Count, issues, outcome.Notes), GitHubCliJson.Readable.GitHubImportJson));
            }
            else
            {
                foreach (var (imported, ticket) in outcome.Created)
                {
                    var extra = (ticket.Priority != Baton.Core.Tickets.Priority.Medium ? $" [{Baton.Core.Tickets.Priorities.ToText(ticket.Priority)}]" : "")
                        + (ticket.DependsOn.Count > 0 ? " (depends on " + string.Join(", ", ticket.DependsOn.Select(Baton.Core.Tickets.TicketId.Format)) + ")" : "");
                    host.Out.WriteLine($"#{imported.Number} -> {ticket.Id} {ticket.Title}{extra}");
                }

                foreach (var (skipped, why) in outcome.Skipped)
                {
                    host.Out.WriteLine($"#{skipped.Number} skipped: {why}");
                }

                foreach (var note in outcome.Notes)
                {
                    host.Out.WriteLine(note);
                }

                host.Out.WriteLine($"{github.Repository}: {outcome.Created.Count} created, {outcome.Skipped.Count} skipped");
            }

            return 0;
        });
        return command;
    }

    /// <summary>`github sync` and `pr sync`: follow open pull requests, then write issue state back.</summary>
    internal static Command Sync(string name, string description)
    {
        var command = new Command(name, description) { CommandRunner.Json };
        CommandRunner.Bind(command, async (parse, host, ct) =>
        {
            var github = host.GitHub();
            var context = host.AutopilotContext();
            var changes = new List<string>(await new PullRequests(context).FollowAsync(github, ct).ConfigureAwait(false));
            changes.AddRange(await host.IssueSync().SyncAsync(github, ct).ConfigureAwait(false));
            if (parse.GetValue(CommandRunner.Json))
            {
                host.Out.WriteLine(JsonSerializer.Serialize(new GitHubSyncJson(github.Repository, changes), GitHubCliJson.Readable.GitHubSyncJson));
            }
            else
            {
                foreach (var line in changes)
                {
                    host.Out.WriteLine(line);
                }

                host.Out.WriteLine(changes.Count == 0 ? "Nothing to change." : $"{changes.Count} change{(changes.Count == 1 ? "" : "s")}.");
            }

            return changes.Any(c => c.Contains(" not updated: ", StringComparison.Ordinal)) ? 1 : 0;
        });
        return command;
    }

    private static List<string> Split(string[]? values) =>
        (values ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct(StringComparer.Ordinal).ToList();
}
