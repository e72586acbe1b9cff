using Baton.Core.Events;
using Baton.Core.Git;
using Baton.Core.Storage;

namespace Baton.Core.Tickets;

/// <summary>
/// `baton sync-status`: commits whose messages name tickets move those tickets along. A mention
/// starts an open ticket; a closing word finishes it: <c>done</c> once the commit is on the
/// ticket's target (or the base branch), <c>review</c> while it is still on a branch. Tickets the
/// autopilot runs (they have a worker and a worktree) only get the commit recorded: their gate
/// and merge queue decide. Each (commit, ticket) is applied once: its status_update event carries
/// the commit, so running again, or from every worktree's post-commit hook, changes nothing twice.
/// </summary>
public sealed class StatusSync
{
    private readonly IGit _git;
    private readonly ITicketStore _tickets;
    private readonly IStore _store;
    private readonly TicketService _service;
    private readonly TimeProvider _time;
    private readonly string _root;
    private readonly string? _baseBranch;

    public StatusSync(IGit git, ITicketStore tickets, IStore store, TicketService service, TimeProvider time, string root, string? baseBranch)
    {
        _git = git;
        _tickets = tickets;
        _store = store;
        _service = service;
        _time = time;
        _root = root;
        _baseBranch = baseBranch;
    }

    /// <summary>Applies <paramref name="commits"/> (or the latest <paramref name="limit"/> on any branch); returns each change.</summary>
    public IReadOnlyList<StatusSyncChange> Sync(IReadOnlyList<string> commits, int limit)
    {
        ArgumentNullException.ThrowIfNull(commits);
        var changes = new List<StatusSyncChange>();
        var baseBranch = BaseBranch();
        foreach (var (sha, message) in _git.CommitMessages(_root, commits, limit).Reverse())
        {
            var subject = message.Split('\n')[0].Trim();
            foreach (var (number, closes) in TicketReferences.Parse(message))
            {
                if (_tickets.GetTicket(number) is not { } ticket)
                {
                    continue;
                }

                // A closing commit seen on a branch is seen again once it lands: then it finishes the ticket.
                var landed = closes && Landed(sha, ticket.Target ?? baseBranch);
                if (Seen(ticket, sha, landed))
                {
                    continue;
                }

                var managed = ticket.Assignee is not null && ticket.Worktree is not null;
                TicketStatus? to = managed || ticket.Status.IsFinished() ? null
                    : landed ? TicketStatus.Done
                    : closes ? TicketStatus.Review
                    : ticket.Status is TicketStatus.Open or TicketStatus.Queued or TicketStatus.Blocked ? TicketStatus.InProgress
                    : null;
                var note = $"commit {sha[..Math.Min(12, sha.Length)]} {(closes ? "closes" : "names")} {ticket.Id}: {subject}";
                var moved = to is { } target && Move(ticket, target, note);
                _store.AppendEvent(new EventRecord
                {
                    Time = _time.GetUtcNow(),
                    Type = EventTypes.StatusUpdate,
                    Ticket = ticket.Id,
                    Feature = ticket.Feature,
                    Commit = sha,
                    Message = note + (moved ? $" (now {to!.Value.ToText()})" : ""),
                    Metadata = new Dictionary<string, string> { ["source"] = "commit", ["closes"] = closes ? "true" : "false", ["landed"] = landed ? "true" : "false" },
                });
                changes.Add(new StatusSyncChange(ticket.Id, sha, closes, landed, subject, ticket.Status.ToText(), moved ? to!.Value.ToText() : null));
            }
        }

        return changes;
    }

    private bool Seen(Ticket ticket, string sha, bool landed) =>
        _store.RecentEvents(new EventQuery(10_000, Type: EventTypes.StatusUpdate, Ticket: ticket.Id))
            .Any(e => e.Commit == sha && (!landed || e.Metadata?.GetValueOrDefault("landed") == "true"));

    /// <summary>Where finished work lands: the configured base branch, else main or master, else the branch checked out at the root.</summary>
    private string? BaseBranch() =>
        _baseBranch
        ?? new[] { "main", "master" }.FirstOrDefault(b => _git.Resolve(_root, "refs/heads/" + b) is not null)
        ?? _git.CurrentBranch(_root);

    private bool Landed(string sha, string? branch) =>
        branch is not null && _git.Resolve(_root, "refs/heads/" + branch) is { } head && _git.IsAncestor(_root, sha, head);

    /// <summary>Moves the ticket, through in-progress when it cannot go straight there; false when its rules refuse.</summary>
    private bool Move(Ticket ticket, TicketStatus to, string note)
    {
        try
        {
            if (!TicketRules.AllowedNext(ticket.Status).Contains(to) && TicketRules.AllowedNext(ticket.Status).Contains(TicketStatus.InProgress))
            {
                _service.Update(ticket.Id, new UpdateTicketRequest { Status = TicketStatus.InProgress.ToText() });
            }

            _service.Update(ticket.Id, new UpdateTicketRequest { Status = to.ToText(), Summary = to == TicketStatus.Done ? note : null });
            return true;
        }
        catch (BatonException)
        {
            return false; // a transition its rules refuse: the commit is still recorded
        }
    }
}
