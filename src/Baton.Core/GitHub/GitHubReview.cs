namespace Baton.Core.GitHub;

/// <summary>
/// One review of a pull request: <see cref="State"/> is GitHub's <c>APPROVED</c>,
/// <c>CHANGES_REQUESTED</c>, <c>COMMENTED</c> or <c>DISMISSED</c>; <see cref="CommitId"/> the head
/// it reviewed, which tells a review of the current push from one the agent already answered.
/// </summary>
public sealed record GitHubReview(long Id, string Reviewer, string State, string Body, string? CommitId);
