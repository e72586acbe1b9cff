namespace Baton.Core.GitHub;

/// <summary>What a background GitHub pass did, for the loop thread to report and act on.</summary>
public sealed class GitHubPassOutcome
{
    /// <summary>The repository the client talked to (null: it was never made, e.g. no token).</summary>
    public string? Repository { get; set; }

    public List<string> Lines { get; } = [];

    /// <summary>Tickets whose pull request was opened (their agents can go).</summary>
    public List<long> Opened { get; } = [];

    /// <summary>Tickets whose pull request could not be opened, and why (tried again a poll interval later).</summary>
    public List<(long Ticket, string Why)> OpenFailed { get; } = [];

    /// <summary>Review text to send back to tickets' agents.</summary>
    public List<(long Ticket, int PullRequest, IReadOnlyList<long> Reviews, string Reviewers, string Text)> Feedback { get; } = [];

    /// <summary>The failure that ended the pass early (a rate limit, GitHub down, no token), if any.</summary>
    public BatonException? Failure { get; set; }
}
