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
        ArgumentNullException.ThrowIfNull(excluded);
        var created = new List<(GitHubIssue, Ticket)>();
        var skipped = new List<(GitHubIssue, string)>();
        foreach (var issue in (await github.OpenIssuesAsync(labels, ct).ConfigureAwait(false)).OrderBy(i => i.Number))
        {
            var hit = issue.Labels.FirstOrDefault(l => excluded.Contains(l, StringComparer.OrdinalIgnoreCase));
            if (hit is not null)
            {
                skipped.Add((issue, $"label {hit} is excluded"));
                continue;
            }

            var id = ExternalId(github.Repository, issue.Number);
            if (_tickets.FindByExternalId(id) is { } existing)
            {
                // Linked again in case a crash came between creating the ticket and linking it.
                _links.LinkIssue(existing.Number, github.Repository, issue.Number, _time.GetUtcNow());
                skipped.Add((issue, $"already imported as {existing.Id}"));
                continue;
            }

            Ticket ticket;
            try
            {
                ticket = _tickets.Create(new CreateTicketRequest
                {
                    Title = issue.Title,
                    Body = Body(issue),
                    Labels = issue.Labels.Select(TicketLabel).Where(l => l.Length > 0).Distinct(StringComparer.Ordinal).ToList(),
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

            _links.LinkIssue(ticket.Number, github.Repository, issue.Number, _time.GetUtcNow());
            created.Add((issue, ticket));
        }

        _store.AppendEvent(new EventRecord
        {
            Time = _time.GetUtcNow(),
            Type = EventTypes.GitHubImported,
            Message = $"github import from {github.Repository}: {created.Count} created, {skipped.Count} skipped",
            Metadata = new Dictionary<string, string>
            {
                ["repository"] = github.Repository,
                ["labels"] = string.Join(",", labels),
                ["created"] = created.Count.ToString(CultureInfo.InvariantCulture),
                ["skipped"] = skipped.Count.ToString(CultureInfo.InvariantCulture),
            },
        });
        return new ImportOutcome(created, skipped);
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
