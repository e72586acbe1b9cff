namespace Baton.Core.GitHub;

/// <summary>A ticket imported from a GitHub issue, and the ticket state last written back to the issue.</summary>
public sealed record LinkedIssue(long Ticket, string Repository, int Issue, string? Synced);
