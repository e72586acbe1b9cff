using System.Globalization;
using Baton.Core.Dispatch;
using Baton.Core.Tickets;

namespace Baton.Core.GitHub;

/// <summary>
/// One background pass of `baton up` against GitHub, on a context of its own (its own store
/// connection): pushes, pull requests opened, pull requests followed, issues imported, issue state
/// written back, in that order. It writes to the store as `baton github sync` from another process
/// would; what needs the loop (cleaning up after an opened pull request, sending review text to an
/// agent) comes back in the outcome. A rate limit or an unreachable GitHub ends the pass, so
/// nothing else is asked until the schedule says.
/// </summary>
public sealed class GitHubPass
{
    private readonly AutopilotContext _ctx;
    private readonly IssueSync _issues;

    public GitHubPass(AutopilotContext context, IssueSync issues)
    {
        _ctx = context;
        _issues = issues;
    }

    public async Task<GitHubPassOutcome> RunAsync(GitHubPassPlan plan, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var outcome = new GitHubPassOutcome();
        try
        {
            var github = _ctx.GitHub!();
            outcome.Repository = github.Repository;
            var pulls = new PullRequests(_ctx);
            Push(plan, outcome);
            await OpenAsync(github, pulls, plan, outcome, ct).ConfigureAwait(false);
            if (plan.Follow)
            {
                outcome.Lines.AddRange(await pulls.FollowAsync(github, ct, (mr, reviews) => ReviewedAsync(github, mr, reviews, plan, outcome, ct)).ConfigureAwait(false));
            }

            if (plan.Import && _ctx.GitHubConfig.ImportLabels.Count > 0)
            {
                var imported = await new GitHubImporter(_ctx.TicketService, _ctx.GitHubStore!, _ctx.Store, _ctx.Time)
                    .ImportAsync(github, _ctx.GitHubConfig.ImportLabels, _ctx.GitHubConfig.ExcludeLabels, ct).ConfigureAwait(false);
                outcome.Lines.AddRange(imported.Created.Select(c => $"{c.Ticket.Id}: imported from issue #{c.Issue.Number.ToString(CultureInfo.InvariantCulture)}: {c.Ticket.Title}"));
                outcome.Lines.AddRange(imported.Notes);
            }

            if (plan.Sync || plan.Follow || plan.Import)
            {
                outcome.Lines.AddRange(await _issues.SyncAsync(github, ct).ConfigureAwait(false));
            }
        }
        catch (BatonException e)
        {
            outcome.Failure = e;
        }

        return outcome;
    }

    /// <summary>A ticket back in review after changes were requested: its new commits go to the pull request's branch.</summary>
    private void Push(GitHubPassPlan plan, GitHubPassOutcome outcome)
    {
        foreach (var number in plan.Push)
        {
            if (_ctx.Tickets.GetTicket(number) is { Branch: { } branch } ticket)
            {
                PullRequestBranch.Push(_ctx.Git, _ctx.Git, _ctx.Remote, _ctx.Root, _ctx.GitHubConfig.Remote, ticket.Id, branch);
                outcome.Lines.Add($"{ticket.Id}: {branch} pushed again to its pull request");
            }
        }
    }

    private async Task OpenAsync(IGitHub github, PullRequests pulls, GitHubPassPlan plan, GitHubPassOutcome outcome, CancellationToken ct)
    {
        foreach (var number in plan.Open)
        {
            if (_ctx.Tickets.GetTicket(number) is not { Status: TicketStatus.Review } ticket)
            {
                continue; // moved on meanwhile
            }

            try
            {
                var (pr, _) = await pulls.OpenAsync(github, ticket, ct).ConfigureAwait(false);
                outcome.Opened.Add(number);
                outcome.Lines.Add($"{ticket.Id}: pull request #{pr.Number} opened ({pr.Url})");
            }
            catch (BatonException e) when (e is not GitHubRateLimitException)
            {
                outcome.OpenFailed.Add((number, e.Message));
            }
        }
    }

    /// <summary>Changes requested on the head Baton pushed, for a ticket waiting in review: the review text goes back to its agent.</summary>
    private async Task ReviewedAsync(IGitHub github, Merge.MergeRequest mr, IReadOnlyList<GitHubReview> reviews, GitHubPassPlan plan, GitHubPassOutcome outcome, CancellationToken ct)
    {
        if (mr.Ticket is not { } number || mr.Number is not { } pr || _ctx.Tickets.GetTicket(number) is not { Status: TicketStatus.Review } ticket)
        {
            return;
        }

        var head = ticket.Branch is { } b ? _ctx.Git.Resolve(_ctx.Root, "refs/heads/" + b) : null;
        if (ReviewFeedback.For(reviews, [], head, plan.Delivered) is null)
        {
            return;
        }

        // Only now the line comments: a pull request nobody asked changes on costs no extra call.
        var comments = await github.ReviewCommentsAsync(pr, ct).ConfigureAwait(false);
        if (ReviewFeedback.For(reviews, comments, head, plan.Delivered) is { } feedback)
        {
            outcome.Feedback.Add((number, pr, feedback.Reviews, feedback.Reviewers, feedback.Text));
        }
    }
}
