namespace Baton.Core.GitHub;

/// <summary>
/// The part of GitHub's REST API Baton uses, for one repository: what `github import`, the pull
/// request step and the issue sync need. Failures a user can act on (no token, no access, a
/// validation error) are <see cref="BatonException"/>s; transient ones are retried inside.
/// </summary>
public interface IGitHub
{
    /// <summary><c>owner/name</c> of the repository this client talks to.</summary>
    string Repository { get; }

    /// <summary>Open issues (pull requests left out) carrying every one of <paramref name="labels"/>, all pages.</summary>
    Task<IReadOnlyList<GitHubIssue>> OpenIssuesAsync(IReadOnlyList<string> labels, CancellationToken ct);

    /// <summary>One issue, open or closed; null when there is none, or it is a pull request.</summary>
    Task<GitHubIssue?> IssueAsync(int number, CancellationToken ct);

    /// <summary>Closes the issue (completed); an issue closed already is no error.</summary>
    Task CloseIssueAsync(int issue, CancellationToken ct);

    Task AddLabelsAsync(int issue, IReadOnlyList<string> labels, CancellationToken ct);

    /// <summary>Removes a label; a label the issue does not carry is no error.</summary>
    Task RemoveLabelAsync(int issue, string label, CancellationToken ct);

    /// <summary>Bodies of the issue's comments, oldest first.</summary>
    Task<IReadOnlyList<string>> CommentsAsync(int issue, CancellationToken ct);

    Task CommentAsync(int issue, string body, CancellationToken ct);

    Task<GitHubPullRequest> CreatePullRequestAsync(string head, string baseBranch, string title, string body, CancellationToken ct);

    /// <summary>The open pull request from <paramref name="head"/> (a branch of this repository), if there is one.</summary>
    Task<GitHubPullRequest?> FindOpenPullRequestAsync(string head, CancellationToken ct);

    Task<GitHubPullRequest> PullRequestAsync(int number, CancellationToken ct);

    /// <summary>The pull request's reviews, oldest first.</summary>
    Task<IReadOnlyList<GitHubReview>> ReviewsAsync(int number, CancellationToken ct);

    /// <summary>The comments on lines of the pull request's diff, oldest first.</summary>
    Task<IReadOnlyList<GitHubReviewComment>> ReviewCommentsAsync(int number, CancellationToken ct);

    /// <summary>Whether the pull request was merged (GitHub's <c>pulls/N/merge</c>).</summary>
    Task<bool> IsMergedAsync(int number, CancellationToken ct);
}
