using Baton.Core.Dispatch;
using Baton.Core.Storage;
using Baton.Core.Tickets;

namespace Baton.Core.GitHub;

/// <summary>
/// The autopilot's GitHub stage, once a tick: with <c>merge.mode: pull_request</c>, tickets whose
/// gate passed (review) go out as pull requests, and open pull requests are followed at most once
/// per <c>github.poll_interval</c>; imported issues get their tickets' state written back. Does
/// nothing, and needs no token, when neither applies. Runs on the loop thread.
/// </summary>
public sealed class GitHubStep
{
    private readonly AutopilotContext _ctx;
    private readonly PullRequests? _pulls;
    private readonly IssueSync? _issues;
    private readonly Action<Ticket> _cleanUp;
    private readonly Dictionary<long, DateTimeOffset> _openNotBefore = [];
    private IGitHub? _github;
    private DateTimeOffset _nextPoll = DateTimeOffset.MinValue;

    public GitHubStep(AutopilotContext context, Action<Ticket> cleanUp)
    {
        ArgumentNullException.ThrowIfNull(context);
        _ctx = context;
        _cleanUp = cleanUp;
        if (context.GitHubStore is { } store && context.GitHub is not null)
        {
            _pulls = new PullRequests(context);
            _issues = new IssueSync(context.Tickets, store, context.Store, context.GitHubConfig, context.Time);
        }
    }

    private bool PullRequestMode => _ctx.Config.PullRequests && _ctx.Config.AutoMerge;

    public async Task StepAsync(TickReport report, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (_pulls is null || _issues is null)
        {
            return;
        }

        var now = _ctx.Time.GetUtcNow();
        BatonException? failed = null;
        if (PullRequestMode)
        {
            foreach (var ticket in _ctx.Tickets.ListTickets(new TicketQuery(TicketStatus.Review)))
            {
                if (_pulls.OpenFor(ticket.Number) is not null || _openNotBefore.TryGetValue(ticket.Number, out var wait) && wait > now)
                {
                    continue;
                }

                try
                {
                    var (pr, _) = await _pulls.OpenAsync(GitHub(), ticket, ct).ConfigureAwait(false);
                    _openNotBefore.Remove(ticket.Number);
                    _cleanUp(ticket);
                    report.Add($"{ticket.Id}: pull request #{pr.Number} opened ({pr.Url})");
                }
                catch (BatonException e)
                {
                    // Tried again a poll interval later; the others go on, and the error is
                    // raised at the end of the step so that an autopilot_error tells a person.
                    _openNotBefore[ticket.Number] = now + _ctx.GitHubConfig.PollInterval;
                    failed ??= new BatonException($"{ticket.Id}: no pull request: {e.Message}", e);
                }
            }

            if (now >= _nextPoll)
            {
                _nextPoll = now + _ctx.GitHubConfig.PollInterval;
                foreach (var line in await _pulls.FollowAsync(GitHub(), ct).ConfigureAwait(false))
                {
                    report.Add(line);
                }
            }
        }

        if (_issues.HasLinks && _issues.Pending(GitHub().Repository))
        {
            foreach (var line in await _issues.SyncAsync(GitHub(), ct).ConfigureAwait(false))
            {
                report.Add(line);
            }
        }

        if (failed is not null)
        {
            throw failed;
        }
    }

    private IGitHub GitHub() => _github ??= _ctx.GitHub!();
}
