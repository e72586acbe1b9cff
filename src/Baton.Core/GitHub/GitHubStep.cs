using System.Globalization;
using Baton.Core.Dispatch;
using Baton.Core.Events;
using Baton.Core.Storage;
using Baton.Core.Tickets;

namespace Baton.Core.GitHub;

/// <summary>
/// The autopilot's GitHub stage. On the loop thread it only decides and collects: what is due
/// (pull requests to open for tickets whose gate passed with <c>merge.mode: pull_request</c>,
/// branches to push again, a poll every <c>github.poll_interval</c> following open pull requests
/// and, with <c>github.poll</c>, importing labelled issues, issue state to write back) goes to one
/// <see cref="GitHubPass"/> at a time on another thread, with a store connection of its own; the
/// next tick after it ends reports what it did, cleans up after opened pull requests and sends
/// requested changes back to agents. A slow or rate-limited GitHub therefore never holds a tick;
/// <see cref="GitHubPollSchedule"/> holds further calls and reports each failure streak once.
/// Does nothing, and needs no token, when nothing applies.
/// </summary>
public sealed class GitHubStep
{
    private readonly AutopilotContext _ctx;
    private readonly IssueSync? _issues;
    private readonly Action<Ticket> _cleanUp;
    private readonly GitHubPollSchedule _schedule;
    private readonly Dictionary<long, DateTimeOffset> _openNotBefore = [];
    private readonly HashSet<long> _delivered = [];
    private readonly Dictionary<long, DateTimeOffset> _pushChecked = [];
    private readonly CancellationTokenSource _stopping = new();
    private Task<GitHubPassOutcome>? _pass;
    private string? _repository;

    public GitHubStep(AutopilotContext context, Action<Ticket> cleanUp)
    {
        ArgumentNullException.ThrowIfNull(context);
        _ctx = context;
        _cleanUp = cleanUp;
        _schedule = new GitHubPollSchedule(context.GitHubConfig.PollInterval, context.Time);
        if (context.GitHubStore is { } store && context.GitHub is not null)
        {
            _issues = new IssueSync(context.Tickets, store, context.Store, context.GitHubConfig, context.Time);
        }
    }

    /// <summary>Review text for an agent whose pull request got changes requested (the lifecycle's <see cref="TicketLifecycle.ChangesRequestedAsync"/>); null: only recorded.</summary>
    public Func<Ticket, string, string, CancellationToken, Task>? SendBack { get; init; }

    /// <summary>The pass under way or not yet collected, if any (the loop waits for it like other background work and wakes when it ends).</summary>
    public IEnumerable<Task> Running => _pass is { } p ? [p] : [];

    private bool PullRequestMode => _ctx.Config.PullRequests && _ctx.Config.AutoMerge;

    public async Task StepAsync(TickReport report, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (_issues is null)
        {
            return;
        }

        if (_pass is { IsCompleted: true } done)
        {
            _pass = null;
            await ApplyAsync(await done.ConfigureAwait(false), report, ct).ConfigureAwait(false);
        }

        // On a fleet, only the node that holds the merge queue talks to GitHub (NodeDuty.HoldsQueue).
        if (_pass is not null || !_schedule.CanCall || _ctx.Node?.HoldsQueue() == false || Plan() is not { IsEmpty: false } plan)
        {
            return;
        }

        var token = _stopping.Token;
        if (_ctx.Isolate is not { } isolate)
        {
            // No second store connection to be had (a host that cannot isolate): the pass runs in the tick.
            await ApplyAsync(await new GitHubPass(_ctx, Sync(_ctx)).RunAsync(plan, token).ConfigureAwait(false), report, ct).ConfigureAwait(false);
            return;
        }

        var parent = _ctx;
        _pass = Task.Run(async () =>
        {
            var (context, lease) = isolate(parent);
            using (lease)
            {
                return await new GitHubPass(context, Sync(context)).RunAsync(plan, token).ConfigureAwait(false);
            }
        }, CancellationToken.None);
    }

    /// <summary>On stop: the pass under way is cancelled (its waits end) and awaited; what it wrote is in the store.</summary>
    public async Task DrainAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_pass is { } pass)
        {
            try
            {
                await pass.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopped mid-request: the next start asks again.
            }
        }
    }

    private IssueSync Sync(AutopilotContext c) =>
        new(c.Tickets, c.GitHubStore!, c.Store, c.GitHubConfig, c.Time) { NotBefore = _issues!.NotBefore };

    private GitHubPassPlan? Plan()
    {
        var now = _ctx.Time.GetUtcNow();
        var open = new List<long>();
        var push = new List<long>();
        var prs = _ctx.GitHubStore!.PullRequests(openOnly: true);
        foreach (var ticket in _ctx.Tickets.ListTickets(new TicketQuery(TicketStatus.Review)))
        {
            var pr = prs.FirstOrDefault(p => p.Ticket == ticket.Number);
            if (pr is null && PullRequestMode && !(_openNotBefore.TryGetValue(ticket.Number, out var wait) && wait > now))
            {
                open.Add(ticket.Number);
            }
            else if (pr is not null && ticket.Branch is { } branch && _pushChecked.GetValueOrDefault(ticket.Number) != ticket.UpdatedAt)
            {
                // Two git calls, so once per change of the ticket (its return to review), not every tick.
                _pushChecked[ticket.Number] = ticket.UpdatedAt;
                if (Moved(branch))
                {
                    push.Add(ticket.Number);
                }
            }
        }

        var follow = (PullRequestMode || _ctx.GitHubConfig.Poll) && prs.Count > 0;
        var import = _ctx.GitHubConfig.Poll && _ctx.GitHubConfig.ImportLabels.Count > 0;
        var poll = (follow || import) && _schedule.PollDue;
        if (poll)
        {
            _schedule.Polled();
        }

        // The repository is known once a pass made the client; the first pass looks at every link.
        var sync = _issues!.HasLinks && (_repository is null || _issues.Pending(_repository));
        return new GitHubPassPlan(push, open, follow && poll, import && poll, sync, _delivered.ToHashSet());
    }

    /// <summary>
    /// The local branch is ahead of what was pushed (the remote-tracking ref a push updates); in a
    /// node's clone the branch as the shared remote has it (fetched: its agent may have run on another node).
    /// </summary>
    private bool Moved(string branch)
    {
        var local = _ctx.Remote is { } shared ? shared.Head(branch) : _ctx.Git.Resolve(_ctx.Root, "refs/heads/" + branch);
        var pushed = _ctx.Git.Resolve(_ctx.Root, $"refs/remotes/{_ctx.GitHubConfig.Remote}/{branch}");
        return local is not null && pushed is not null && !string.Equals(local, pushed, StringComparison.Ordinal);
    }

    private async Task ApplyAsync(GitHubPassOutcome outcome, TickReport report, CancellationToken ct)
    {
        _repository = outcome.Repository ?? _repository;
        foreach (var line in outcome.Lines)
        {
            report.Add(line);
        }

        foreach (var number in outcome.Opened)
        {
            _openNotBefore.Remove(number);
            if (_ctx.Tickets.GetTicket(number) is { } ticket)
            {
                _cleanUp(ticket);
            }
        }

        foreach (var (number, why) in outcome.OpenFailed)
        {
            // Tried again a poll interval later; the others went on.
            _openNotBefore[number] = _ctx.Time.GetUtcNow() + _ctx.GitHubConfig.PollInterval;
            var message = $"{TicketId.Format(number)}: no pull request: {_ctx.Workers.Redactor.Redact(why)}";
            report.Add("error", TicketId.Format(number), null, message);
            _ctx.Store.AppendEvent(new EventRecord { Time = _ctx.Time.GetUtcNow(), Type = EventTypes.AutopilotError, Ticket = TicketId.Format(number), Message = message });
        }

        foreach (var (number, pr, reviews, reviewers, text) in outcome.Feedback)
        {
            await DeliverAsync(number, pr, reviews, reviewers, text, report, ct).ConfigureAwait(false);
        }

        if (outcome.Failure is not null)
        {
            _pushChecked.Clear(); // a push the failed pass did not make is looked for again
        }

        Record(outcome.Failure, report);
    }

    private async Task DeliverAsync(long number, int pr, IReadOnlyList<long> reviews, string reviewers, string text, TickReport report, CancellationToken ct)
    {
        if (_ctx.Tickets.GetTicket(number) is not { Status: TicketStatus.Review } ticket)
        {
            return;
        }

        _delivered.UnionWith(reviews);
        text = _ctx.Workers.Redactor.Redact(text); // typed into a pane and kept in an event
        var what = $"{reviewers} asked for changes on pull request #{pr.ToString(CultureInfo.InvariantCulture)}";
        _ctx.Store.AppendEvent(Dispatcher.Event(ticket, EventTypes.PrChangesRequested, $"{ticket.Id}: {what}", _ctx.Time.GetUtcNow(),
            metadata: new Dictionary<string, string> { ["number"] = pr.ToString(CultureInfo.InvariantCulture), ["reviewers"] = reviewers, ["review"] = text }));
        if (SendBack is { } send)
        {
            await send(ticket, what, text + "\nPush nothing yourself: Baton pushes your branch to the pull request once the gate passes again.", ct).ConfigureAwait(false);
        }

        report.Add($"{ticket.Id}: {what}: back to its agent");
    }

    private void Record(BatonException? failure, TickReport report)
    {
        string? line;
        string type;
        if (failure is null)
        {
            (line, type) = (_schedule.Succeeded(), EventTypes.GitHubAvailable);
        }
        else if (failure is GitHubRateLimitException limited)
        {
            (line, type) = (_schedule.RateLimited(limited.Until, _ctx.Workers.Redactor.Redact(failure.Message)), EventTypes.GitHubRateLimited);
        }
        else
        {
            (line, type) = (_schedule.Failed(_ctx.Workers.Redactor.Redact(failure.Message)), EventTypes.GitHubUnavailable);
        }

        if (line is null)
        {
            return;
        }

        report.Add(failure is null ? "note" : "error", null, null, line);
        _ctx.Store.AppendEvent(new EventRecord
        {
            Time = _ctx.Time.GetUtcNow(),
            Type = type,
            Message = line,
            Metadata = new Dictionary<string, string> { ["until"] = _schedule.HoldUntil == DateTimeOffset.MinValue ? "" : _schedule.HoldUntil.ToString("O", CultureInfo.InvariantCulture) },
        });
    }
}
