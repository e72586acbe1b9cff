namespace Baton.Core.Git;

/// <summary>Merging and rebasing, with or without a checkout; conflicts come back as files. Every call names the folder it works in (git -C DIR).</summary>
public interface IGitMerging
{
    /// <summary>Merges <paramref name="branch"/> into the checkout at <paramref name="dir"/> with a merge commit; a conflict is aborted and its files returned.</summary>
    MergeAttempt Merge(string dir, string branch, string message);

    /// <summary>
    /// Merges <paramref name="branch"/> into <paramref name="target"/> (both commits) without any
    /// checkout (<c>git merge-tree --write-tree</c>, git 2.38+) and, when it is clean, makes the
    /// merge commit with parents target and branch; nothing is moved. A merge that would change
    /// nothing (the branch's work is already in the target, by ancestry or patch) returns the
    /// target itself as the commit. Conflicts come back as files.
    /// </summary>
    MergeAttempt MergeCommit(string repo, string target, string branch, string message);

    /// <summary>The files that would conflict if <paramref name="a"/> and <paramref name="b"/> were merged (git merge-tree, no checkout); empty when clean.</summary>
    IReadOnlyList<string> MergeConflicts(string repo, string a, string b);

    /// <summary>
    /// Rebases what is checked out in <paramref name="dir"/> (a branch or a detached HEAD) onto
    /// <paramref name="onto"/>: its commits that are not in <paramref name="onto"/> are replayed there.
    /// A conflict is aborted (nothing changed) and its files returned. The new HEAD on success.
    /// </summary>
    MergeAttempt Rebase(string dir, string onto);
}
