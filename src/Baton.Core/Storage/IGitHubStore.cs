using Baton.Core.GitHub;
using Baton.Core.Merge;

namespace Baton.Core.Storage;

/// <summary>
/// What Baton remembers about GitHub: which ticket came from which issue and which state of it
/// was last written back to that issue, and the pull requests (merge requests of kind
/// <c>github</c>). A pull request that changes with its ticket goes in through
/// <see cref="TicketMutation.MergeRequest"/>, in the ticket's transaction.
/// </summary>
public interface IGitHubStore
{
    /// <summary>Links a ticket to the issue it was imported from (kept when it already is).</summary>
    void LinkIssue(long ticket, string repository, int issue, DateTimeOffset now);

    /// <summary>Every linked issue with the state last written back to it (null: nothing yet).</summary>
    IReadOnlyList<LinkedIssue> LinkedIssues();

    /// <summary>Records that <paramref name="state"/> was written back to the ticket's issue.</summary>
    void MarkSynced(long ticket, string state, DateTimeOffset now);

    /// <summary>Pull requests (merge requests of kind github), oldest first; only open or approved ones when <paramref name="openOnly"/>.</summary>
    IReadOnlyList<MergeRequest> PullRequests(bool openOnly);
}
