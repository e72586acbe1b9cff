using System.Globalization;
using Baton.Core.Dispatch;
using Baton.Core.Events;
using Baton.Core.Merge;
using Baton.Core.Storage;
using Baton.Core.Tickets;
using Baton.Core.Workers;

namespace Baton.Core.GitHub;

/// <summary>
/// A ticket's branch as a pull request: pushed to the remote, opened against the ticket's target
/// with a body that links its issue, recorded as a merge request of kind <c>github</c>; and open
/// pull requests followed into their tickets (approved, merged -> done, closed -> failed).
/// </summary>
public sealed class PullRequests
{
    private readonly AutopilotContext _ctx;
    private readonly IGitHubStore _store;

    public PullRequests(AutopilotContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        _ctx = context;
        _store = context.GitHubStore ?? throw new InvalidOperationException("the autopilot context has no GitHub store");
    }

    /// <summary>The ticket's open pull request, if it has one.</summary>
    public MergeRequest? OpenFor(long ticket) => _store.PullRequests(openOnly: true).FirstOrDefault(p => p.Ticket == ticket);

    /// <summary>Pushes the ticket's branch and opens (or finds) its pull request; returns it and whether it was new.</summary>
    public async Task<(MergeRequest Request, bool Opened)> OpenAsync(IGitHub github, Ticket ticket, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(github);
        ArgumentNullException.ThrowIfNull(ticket);
        if (OpenFor(ticket.Number) is { } known)
        {
            return (known, false);
        }

        var branch = ticket.Branch ?? throw new BatonException($"{ticket.Id} has no branch yet: a ticket gets one when the autopilot (`baton up`) starts it");
        var target = ticket.Target ?? Dispatcher.Target(_ctx.Config, _ctx.Git, _ctx.Root, ticket);
        PullRequestBranch.Push(_ctx.Git, _ctx.Git, _ctx.Remote, _ctx.Root, _ctx.GitHubConfig.Remote, ticket.Id, branch);

        // A pull request opened by an earlier run that stopped before recording it is found, not opened twice.
        var pr = await github.FindOpenPullRequestAsync(branch, ct).ConfigureAwait(false)
            ?? await github.CreatePullRequestAsync(branch, target, $"{ticket.Id}: {ticket.Title}", Body(ticket, target), ct).ConfigureAwait(false);
        var now = _ctx.Time.GetUtcNow();
        var request = new MergeRequest
        {
            Ticket = ticket.Number,
            Branch = branch,
            Target = target,
            Kind = MergeRequestKind.GitHub,
            Number = pr.Number,
            Url = pr.Url,
            Status = MergeRequestStatus.Open,
            Detail = $"{github.Repository}#{pr.Number.ToString(CultureInfo.InvariantCulture)}",
            CreatedAt = now,
            UpdatedAt = now,
        };
        _ctx.Tickets.Mutate(ticket.Number, t => new TicketMutation(t with { UpdatedAt = now },
            [Dispatcher.Event(t, EventTypes.PrOpened, $"{t.Id}: pull request #{pr.Number} opened: {branch} -> {target} ({pr.Url})", now,
                metadata: new Dictionary<string, string> { ["number"] = pr.Number.ToString(CultureInfo.InvariantCulture), ["url"] = pr.Url, ["target"] = target, ["repository"] = github.Repository })])
        {
            MergeRequest = request,
        });
        return (OpenFor(ticket.Number) ?? request, true);
    }

    /// <summary>Asks GitHub about every open pull request and moves its ticket; returns what changed, one line each.</summary>
    /// <param name="reviewed">Called with each pull request still open and its reviews (the autopilot looks for changes requested).</param>
    public async Task<IReadOnlyList<string>> FollowAsync(IGitHub github, CancellationToken ct, Func<MergeRequest, IReadOnlyList<GitHubReview>, Task>? reviewed = null)
    {
        ArgumentNullException.ThrowIfNull(github);
        var changes = new List<string>();
        foreach (var mr in _store.PullRequests(openOnly: true))
        {
            if (mr.Number is not { } number || mr.Detail is { } d && !d.StartsWith(github.Repository + "#", StringComparison.Ordinal))
            {
                continue; // opened in another repository (the config changed): not this client's to follow
            }

            var pr = await github.PullRequestAsync(number, ct).ConfigureAwait(false);
            if (pr.State == "closed")
            {
                var merged = pr.Merged || await github.IsMergedAsync(number, ct).ConfigureAwait(false);
                changes.Add(merged ? Merged(mr, pr) : Closed(mr));
                continue;
            }

            // Each reviewer's latest verdict counts: approved when someone approves and nobody asks for changes.
            var reviews = await github.ReviewsAsync(number, ct).ConfigureAwait(false);
            var latest = reviews
                .Where(r => r.State is "APPROVED" or "CHANGES_REQUESTED" or "DISMISSED")
                .GroupBy(r => r.Reviewer, StringComparer.Ordinal)
                .Select(g => g.Last().State)
                .ToList();
            var approved = latest.Contains("APPROVED") && !latest.Contains("CHANGES_REQUESTED");
            if (approved != (mr.Status == MergeRequestStatus.Approved))
            {
                changes.Add(Reviewed(mr, approved, latest.Contains("CHANGES_REQUESTED")));
            }

            if (reviewed is not null)
            {
                await reviewed(mr, reviews).ConfigureAwait(false);
            }
        }

        return changes;
    }

    private string Merged(MergeRequest mr, GitHubPullRequest pr)
    {
        var now = _ctx.Time.GetUtcNow();
        var done = _ctx.Tickets.Mutate(mr.Ticket!.Value, t =>
        {
            var events = new List<EventRecord>
            {
                Dispatcher.Event(t, EventTypes.PrMerged, $"{t.Id}: pull request #{pr.Number} merged into {mr.Target} ({pr.Url})", now,
                    metadata: new Dictionary<string, string> { ["number"] = pr.Number.ToString(CultureInfo.InvariantCulture), ["url"] = pr.Url, ["commit"] = pr.MergeCommit ?? "", ["target"] = mr.Target }),
            };
            var next = t;
            if (!t.Status.IsFinished())
            {
                next = t with { Status = TicketStatus.Done, UpdatedAt = now, FinishedAt = now };
                events.Add(Dispatcher.Event(t, EventTypes.TaskCompleted, $"{t.Id} done", now));
            }

            return new TicketMutation(next, events) { MergeRequest = mr with { Status = MergeRequestStatus.Merged, Detail = pr.MergeCommit ?? mr.Detail, UpdatedAt = now } };
        });
        if (done.Status == TicketStatus.Done)
        {
            _ctx.TicketService.WriteResult(done);
            RemoveWorktree(done);
        }

        return $"{done.Id}: pull request #{pr.Number} merged: done";
    }

    private string Closed(MergeRequest mr)
    {
        var now = _ctx.Time.GetUtcNow();
        var ticket = _ctx.Tickets.Mutate(mr.Ticket!.Value, t =>
        {
            var why = $"its pull request #{mr.Number} was closed without being merged ({mr.Url})";
            var events = new List<EventRecord> { Dispatcher.Event(t, EventTypes.PrClosed, $"{t.Id}: {why}", now) };
            var next = t;
            if (!t.Status.IsFinished())
            {
                next = t with { Status = TicketStatus.Failed, Note = why, UpdatedAt = now, FinishedAt = now, RetryAt = null };
                events.Add(Dispatcher.Event(t, EventTypes.TaskFailed, $"{t.Id} failed: {why}", now));
                events.Add(Dispatcher.Event(t, EventTypes.Notification,
                    $"{t.Id} needs a human: {why}. Its branch {t.Branch} is kept; `baton ticket update {t.Id} --status open` starts it again", now,
                    metadata: new Dictionary<string, string> { ["kind"] = "pr_closed" }));
            }

            return new TicketMutation(next, events) { MergeRequest = mr with { Status = MergeRequestStatus.Closed, UpdatedAt = now } };
        });
        if (ticket.Status.IsFinished())
        {
            _ctx.TicketService.WriteResult(ticket);
        }

        return $"{ticket.Id}: pull request #{mr.Number} closed without merge: {ticket.Status.ToText()}";
    }

    private string Reviewed(MergeRequest mr, bool approved, bool changesRequested)
    {
        var now = _ctx.Time.GetUtcNow();
        var what = approved ? "approved" : changesRequested ? "changes requested" : "no longer approved";
        var ticket = _ctx.Tickets.Mutate(mr.Ticket!.Value, t => new TicketMutation(t,
            [Dispatcher.Event(t, approved ? EventTypes.PrApproved : EventTypes.TicketUpdated, $"{t.Id}: pull request #{mr.Number} {what}", now)])
        {
            MergeRequest = mr with { Status = approved ? MergeRequestStatus.Approved : MergeRequestStatus.Open, UpdatedAt = now },
        });
        return $"{ticket.Id}: pull request #{mr.Number} {what}";
    }

    /// <summary>The work is on the remote now: a clean worktree goes (its branch stays); one with changes stays for a person.</summary>
    private void RemoveWorktree(Ticket ticket)
    {
        var dir = ticket.Worktree;
        if (dir is null || !_ctx.Files.DirectoryExists(dir) || _ctx.Git.IsDirty(dir)
            || ticket.Assignee is { } a && _ctx.Store.GetWorker(a) is { } w && w.State.IsLive())
        {
            return;
        }

        _ctx.Worktrees.RemoveWorktree(_ctx.Root, dir);
        _ctx.Store.AppendEvent(Dispatcher.Event(ticket, EventTypes.WorktreeRemoved, $"{ticket.Id}: worktree {dir} removed (merged through its pull request; branch {ticket.Branch} kept)", _ctx.Time.GetUtcNow()));
    }

    private string Body(Ticket ticket, string target)
    {
        var file = Path.Combine(_ctx.Paths.BatonDir, "templates", "pull_request.md");
        var template = _ctx.Files.FileExists(file) ? _ctx.Files.ReadText(file) : PullRequestTemplate.BuiltIn();
        return PullRequestTemplate.Render(template, ticket, target);
    }
}
