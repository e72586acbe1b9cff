namespace Baton.Core.Git;

/// <summary>Reading history: ancestry, common ancestors, what changed, commit messages. Every call names the folder it works in (git -C DIR).</summary>
public interface IGitHistory
{
    /// <summary>How many commits <paramref name="revision"/> has that <paramref name="baseRevision"/> does not.</summary>
    int CommitsAhead(string dir, string baseRevision, string revision);

    /// <summary>
    /// Whether <paramref name="branch"/>'s work is in <paramref name="target"/>: by ancestry, or by
    /// patch identity (squash or rebase merges: merging it would change nothing).
    /// </summary>
    MergeState MergeState(string repo, string branch, string target);

    /// <summary>The best common ancestor of all <paramref name="commits"/>, or null when they share no history.</summary>
    string? CommonAncestor(string repo, IReadOnlyList<string> commits);

    /// <summary>
    /// The commits reachable from <paramref name="tips"/> but not from <paramref name="exclude"/>,
    /// children before parents, each with its parents and the files it changed (a merge: the files
    /// that differ from every parent).
    /// </summary>
    IReadOnlyList<CommitFiles> History(string repo, IReadOnlyList<string> tips, string? exclude);

    /// <summary>True when <paramref name="ancestor"/> is <paramref name="descendant"/> or one of its ancestors.</summary>
    bool IsAncestor(string repo, string ancestor, string descendant);

    /// <summary>
    /// Full messages of <paramref name="revisions"/> (exactly those commits), or of the latest
    /// <paramref name="limit"/> commits on any local branch when none are given; newest first.
    /// </summary>
    IReadOnlyList<(string Sha, string Message)> CommitMessages(string repo, IReadOnlyList<string> revisions, int limit);
}
