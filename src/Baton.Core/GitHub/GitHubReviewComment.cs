namespace Baton.Core.GitHub;

/// <summary>A comment on a line of a pull request's diff, and the review it belongs to (null: none).</summary>
public sealed record GitHubReviewComment(long? ReviewId, string Path, int? Line, string Body);
