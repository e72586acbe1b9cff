using System.Globalization;
using System.Text;
using Baton.Core.Events;
using Baton.Core.Storage;
using Baton.Core.Tickets;

namespace Baton.Core.GitHub;

/// <summary>
/// Turns open issues carrying given labels into tickets (source <c>github#N</c>, external id
/// <c>github:OWNER/NAME#N</c>, which the store keeps unique): importing again creates nothing twice.
/// </summary>
public sealed class GitHubImporter
{
    private readonly TicketService _tickets;
    private readonly IGitHubStore _links;
    private readonly IStore _store;
    private readonly TimeProvider _time;

    public GitHubImporter(TicketService tickets, IGitHubStore links, IStore store, TimeProvider time)
    {
        _tickets = tickets;
        _links = links;
        _store = store;
        _time = time;
    }

    public static string ExternalId(string repository, int issue) => $"github:{repository}#{issue.ToString(CultureInfo.InvariantCulture)}";

    public async Task<ImportOutcome> ImportAsync(IGitHub github, IReadOnlyList<string> labels, IReadOnlyList<string> excluded, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(github);
        var issues = await github.OpenIssuesAsync(labels, ct).ConfigureAwait(false);
        return Import(github.Repository, issues, excluded, "labels", string.Join(",", labels));
    }

    /// <summary>`github import --issue N`: that issue alone, whatever its labels (an excluded one is still skipped), unless it is closed or a pull request.</summary>
    public async Task<ImportOutcome> ImportIssueAsync(IGitHub github, int number, IReadOnlyList<string> excluded, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(github);
        var issue = await github.IssueAsync(number, ct).ConfigureAwait(false)
            ?? throw new BatonException($"{github.Repository} has no issue #{number.ToString(CultureInfo.InvariantCulture)} (a pull request is no issue to import)");
        if (issue.State != "open")
        {
            throw new BatonException($"issue #{number.ToString(CultureInfo.InvariantCulture)} of {github.Repository} is {issue.State}: only open issues are imported");
        }

        return Import(github.Repository, [issue], excluded, "issue", number.ToString(CultureInfo.InvariantCulture));
    }

    private ImportOutcome Import(string repository, IReadOnlyList<GitHubIssue> issues, IReadOnlyList<string> excluded, string filter, string filterValue)
    {
        ArgumentNullException.ThrowIfNull(excluded);
        var created = new List<(GitHubIssue, Ticket)>();
        var skipped = new List<(GitHubIssue, string)>();
        var notes = new List<string>();
        foreach (var issue in issues.OrderBy(i => i.Number))
        {
            var hit = issue.Labels.FirstOrDefault(l => excluded.Contains(l, StringComparer.OrdinalIgnoreCase));
            if (hit is not null)
            {
                skipped.Add((issue, $"label {hit} is excluded"));
                continue;
            }

            var id = ExternalId(repository, issue.Number);
            if (_tickets.FindByExternalId(id) is { } existing)
            {
                // Linked again in case a crash came between creating the ticket and linking it.
                _links.LinkIssue(existing.Number, repository, issue.Number, _time.GetUtcNow());
                skipped.Add((issue, $"already imported as {existing.Id}"));
                continue;
            }

            // Dependencies on issues imported already are set now; those on issues not imported
            // yet are set when they are (WaitersOn), so the order of import does not matter.
            var waitsFor = IssueDependencies.Parse(issue.Body, issue.Number)
                .Select(n => _tickets.FindByExternalId(ExternalId(repository, n)))
                .OfType<Ticket>()
                .Select(t => t.Id)
                .ToList();
            Ticket ticket;
            try
            {
                ticket = _tickets.Create(new CreateTicketRequest
                {
                    Title = issue.Title,
                    Body = Body(issue),
                    Priority = IssuePriority.Of(issue.Labels)?.ToText(),
                    Labels = issue.Labels.Select(TicketLabel).Where(l => l.Length > 0).Distinct(StringComparer.Ordinal).ToList(),
                    DependsOn = waitsFor,
                    Source = "github#" + issue.Number.ToString(CultureInfo.InvariantCulture),
                    ExternalId = id,
                });
            }
            catch (Exception e) when (e is not OutOfMemoryException && _tickets.FindByExternalId(id) is { } raced)
            {
                // Another import took it at the same moment (the store's unique index on external_id said no).
                skipped.Add((issue, $"already imported as {raced.Id} ({e.Message})"));
                continue;
            }

            _links.LinkIssue(ticket.Number, repository, issue.Number, _time.GetUtcNow());
            created.Add((issue, ticket));
            notes.AddRange(WaitersOn(repository, issue.Number, ticket));
        }

        _store.AppendEvent(new EventRecord
        {
            Time = _time.GetUtcNow(),
            Type = EventTypes.GitHubImported,
            Message = $"github import from {repository}: {created.Count} created, {skipped.Count} skipped",
            Metadata = new Dictionary<string, string>
            {
                ["repository"] = repository,
                [filter] = filterValue,
                ["created"] = created.Count.ToString(CultureInfo.InvariantCulture),
                ["skipped"] = skipped.Count.ToString(CultureInfo.InvariantCulture),
            },
        });
        return new ImportOutcome(created, skipped) { Notes = notes };
    }

    /// <summary>
    /// Tickets imported earlier that are still waiting to start and whose issue said it depends on
    /// issue <paramref name="issue"/>: they now wait for <paramref name="ticket"/>. Only at this
    /// ticket's creation, so a dependency a person removed later is never put back.
    /// </summary>
    private IEnumerable<string> WaitersOn(string repository, int issue, Ticket ticket)
    {
        var lines = new List<string>();
        foreach (var link in _links.LinkedIssues().Where(l => l.Repository == repository && l.Ticket != ticket.Number))
        {
            if (_tickets.Show(TicketId.Format(link.Ticket)).Ticket is not { Status: TicketStatus.Open or TicketStatus.Queued } waiter
                || waiter.DependsOn.Contains(ticket.Number)
                || !IssueDependencies.Parse(waiter.Body, link.Issue).Contains(issue))
            {
                continue;
            }

            try
            {
                _tickets.Update(waiter.Id, new UpdateTicketRequest { DependsOn = [ticket.Id] });
                lines.Add($"{waiter.Id} now depends on {ticket.Id} (issue #{issue.ToString(CultureInfo.InvariantCulture)})");
            }
            catch (BatonException e)
            {
                // A cycle (#5 depends on #7 and #7 on #5): the second edge is refused, and said.
                lines.Add($"{waiter.Id} does not depend on {ticket.Id}: {e.Message}");
            }
        }

        return lines;
    }

    private static string Body(GitHubIssue issue) =>
        (issue.Body.Trim().Length > 0 ? issue.Body.Trim() + "\n\n" : "") + $"Imported from {(issue.Url.Length > 0 ? issue.Url : "issue #" + issue.Number.ToString(CultureInfo.InvariantCulture))}.";

    /// <summary>A GitHub label as a ticket label: letters, digits and - _ . : / only ("good first issue" -> good-first-issue), at most 50.</summary>
    public static string TicketLabel(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        var sb = new StringBuilder();
        foreach (var c in label.Trim())
        {
            var ok = char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':' or '/';
            if (ok)
            {
                sb.Append(c);
            }
            else if (sb.Length > 0 && sb[^1] != '-')
            {
                sb.Append('-');
            }
        }

        var text = sb.ToString().Trim('-', '_', '.', ':', '/');
        return text.Length > 50 ? text[..50] : text;
    }
}
