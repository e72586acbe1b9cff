namespace Baton.Core.GitHub;

/// <summary>An issue as `github import` needs it; <see cref="State"/> is GitHub's <c>open</c> or <c>closed</c>.</summary>
public sealed record GitHubIssue(int Number, string Title, string Body, IReadOnlyList<string> Labels, string Url, string State = "open");
