namespace Baton.Core.GitHub;

/// <summary>A pull request: <see cref="State"/> is GitHub's <c>open</c> or <c>closed</c>; <see cref="Merged"/> tells a merged close from an abandoned one.</summary>
public sealed record GitHubPullRequest(int Number, string Url, string State, bool Merged, string? MergeCommit);
