using System.Globalization;
using Baton.Core.Events;
using Baton.Core.Storage;
using Baton.Core.Tickets;

namespace Baton.Core.GitHub;

/// <summary>
/// Writes ticket state back to the issues tickets were imported from: the in-progress label while
/// it is worked on, the blocked label when it is blocked or failed (each removes the other), and a
/// closing comment when it is done. Level-triggered from the store, not from events: each issue
/// records the state last written to it, so a restart catches up on whatever changed meanwhile and
/// a state is written once. The comment carries a marker that is looked for before posting, so a
/// crash between posting and recording never posts it twice.
/// </summary>
public sealed class IssueSync
{
    private readonly ITicketStore _tickets;
    private readonly IGitHubStore _store;
    private readonly IStore _events;
    private readonly Config.GitHubConfig _config;
    private readonly TimeProvider _time;

    /// <summary>
    /// Issues whose write-back failed, not tried again before then (a token without write access
    /// must not cost a request every tick). Given so that the instances `baton up` makes for each
    /// background pass share it; used by one thread at a time.
    /// </summary>
    public Dictionary<long, DateTimeOffset> NotBefore { get; init; } = [];

    public IssueSync(ITicketStore tickets, IGitHubStore store, IStore events, Config.GitHubConfig config, TimeProvider time)
    {
        _tickets = tickets;
        _store = store;
        _events = events;
        _config = config;
        _time = time;
    }

    /// <summary>The state an issue should show for a ticket status.</summary>
    public static string Desired(TicketStatus status) => status switch
    {
        TicketStatus.InProgress or TicketStatus.Testing or TicketStatus.Review => "in-progress",
        TicketStatus.Blocked or TicketStatus.Failed => "blocked",
        TicketStatus.Done => "done",
        _ => "idle",
    };

    /// <summary>True when some linked issue of <paramref name="repository"/> shows an older state than its ticket.</summary>
    public bool Pending(string repository) => Work(repository).Any(w => !(NotBefore.TryGetValue(w.Ticket.Number, out var wait) && wait > _time.GetUtcNow()));

    public bool HasLinks => _store.LinkedIssues().Count > 0;

    /// <summary>Brings every linked issue of the client's repository up to date; returns what was written, one line each.</summary>
    public async Task<IReadOnlyList<string>> SyncAsync(IGitHub github, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(github);
        var lines = new List<string>();
        var now = _time.GetUtcNow();
        foreach (var (link, ticket, desired) in Work(github.Repository).ToList())
        {
            if (NotBefore.TryGetValue(ticket.Number, out var wait) && wait > now)
            {
                continue;
            }

            try
            {
                var what = await ApplyAsync(github, link, ticket, desired, ct).ConfigureAwait(false);
                _store.MarkSynced(ticket.Number, desired, _time.GetUtcNow());
                NotBefore.Remove(ticket.Number);
                if (what.Length > 0)
                {
                    var line = $"{ticket.Id}: issue #{link.Issue} {what}";
                    _events.AppendEvent(new EventRecord
                    {
                        Time = _time.GetUtcNow(),
                        Type = EventTypes.GitHubIssueSynced,
                        Ticket = ticket.Id,
                        Message = line,
                        Metadata = new Dictionary<string, string> { ["issue"] = link.Issue.ToString(CultureInfo.InvariantCulture), ["state"] = desired, ["repository"] = link.Repository },
                    });
                    lines.Add(line);
                }
            }
            catch (BatonException e) when (e is not GitHubRateLimitException)
            {
                NotBefore[ticket.Number] = _time.GetUtcNow() + _config.PollInterval;
                lines.Add($"{ticket.Id}: issue #{link.Issue} not updated: {e.Message}");
            }
        }

        return lines;
    }

    private IEnumerable<(LinkedIssue Link, Ticket Ticket, string Desired)> Work(string repository)
    {
        foreach (var link in _store.LinkedIssues())
        {
            if (link.Repository == repository && _tickets.GetTicket(link.Ticket) is { } t && Desired(t.Status) is var desired && desired != (link.Synced ?? "idle"))
            {
                yield return (link, t, desired);
            }
        }
    }

    private async Task<string> ApplyAsync(IGitHub github, LinkedIssue link, Ticket ticket, string desired, CancellationToken ct)
    {
        var (add, remove) = desired switch
        {
            "in-progress" => ((string?)_config.InProgressLabel, new[] { _config.BlockedLabel }),
            "blocked" => (_config.BlockedLabel, new[] { _config.InProgressLabel }),
            _ => (null, new[] { _config.InProgressLabel, _config.BlockedLabel }),
        };
        if (add is not null)
        {
            await github.AddLabelsAsync(link.Issue, [add], ct).ConfigureAwait(false);
        }

        foreach (var label in remove)
        {
            await github.RemoveLabelAsync(link.Issue, label, ct).ConfigureAwait(false);
        }

        var what = add is not null ? $"labelled {add}" : $"labels {string.Join(", ", remove)} removed";
        if (desired != "done")
        {
            return what;
        }

        var marker = $"<!-- baton:{ticket.Id}:done -->";
        var comments = await github.CommentsAsync(link.Issue, ct).ConfigureAwait(false);
        if (!comments.Any(c => c.Contains(marker, StringComparison.Ordinal)))
        {
            await github.CommentAsync(link.Issue, ClosingComment(ticket, marker), ct).ConfigureAwait(false);
            what += "; closing comment posted";
        }

        if (_config.CloseIssues)
        {
            // After the comment, so that a closed issue always says why; closing twice is harmless.
            await github.CloseIssueAsync(link.Issue, ct).ConfigureAwait(false);
            what += "; closed";
        }

        return what;
    }

    private string ClosingComment(Ticket ticket, string marker)
    {
        var merge = _store.PullRequests(openOnly: false).LastOrDefault(p => p.Ticket == ticket.Number && p.Status == Merge.MergeRequestStatus.Merged);
        var how = merge is not null
            ? $"Merged into `{merge.Target}` through pull request #{merge.Number} ({merge.Url})."
            : ticket.Branch is not null && ticket.Target is not null
                ? $"Branch `{ticket.Branch}` was merged into `{ticket.Target}` by Baton's merge queue."
                : "The ticket was marked done.";
        var summary = string.IsNullOrWhiteSpace(ticket.Summary) ? "" : $"\n\n{ticket.Summary.Trim()}";
        return $"Baton finished {ticket.Id} ({ticket.Title}). {how}{summary}\n\n{marker}";
    }
}
