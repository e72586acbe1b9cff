namespace Baton.Core.GitHub;

/// <summary>An issue as `github import` needs it.</summary>
public sealed record GitHubIssue(int Number, string Title, string Body, IReadOnlyList<string> Labels, string Url);
