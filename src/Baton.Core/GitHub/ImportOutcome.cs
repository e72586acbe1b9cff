using Baton.Core.Tickets;

namespace Baton.Core.GitHub;

/// <summary>What one `github import` did: tickets created, and issues skipped (already imported, or excluded) with why.</summary>
public sealed record ImportOutcome(IReadOnlyList<(GitHubIssue Issue, Ticket Ticket)> Created, IReadOnlyList<(GitHubIssue Issue, string Why)> Skipped)
{
    /// <summary>Dependencies set on tickets imported earlier (or refused, a cycle), one line each.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}
