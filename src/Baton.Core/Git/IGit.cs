namespace Baton.Core.Git;

/// <summary>
/// What the autopilot asks of git, in git's own vocabulary. Every call names the folder it works
/// in (the adapter passes it as <c>git -C DIR</c>); nothing depends on the current directory.
/// Failures a user can act on are <see cref="BatonException"/>s naming the git command and its stderr.
/// </summary>
public interface IGit
{
    /// <summary>The branch checked out in <paramref name="dir"/>, or null when HEAD is detached.</summary>
    string? CurrentBranch(string dir);

    /// <summary>The commit <paramref name="revision"/> names, or null when it names nothing.</summary>
    string? Resolve(string dir, string revision);

    /// <summary>
    /// Adds a worktree at <paramref name="path"/> on <paramref name="branch"/>: the branch is created
    /// from <paramref name="startPoint"/> when it does not exist, and checked out as it is when it
    /// does (a retry continues where the previous attempt left off).
    /// </summary>
    void AddWorktree(string repo, string path, string branch, string startPoint);

    /// <summary>Adds a worktree with a detached HEAD at <paramref name="commit"/> (scratch merges).</summary>
    void AddDetachedWorktree(string repo, string path, string commit);

    /// <summary>Removes a worktree; refuses (BatonException) when it has uncommitted changes unless <paramref name="force"/>.</summary>
    void RemoveWorktree(string repo, string path, bool force = false);

    /// <summary>Folders of the repository's worktrees with the branch each has checked out (null when detached).</summary>
    IReadOnlyList<(string Path, string? Branch)> Worktrees(string repo);

    /// <summary>True when the checkout has staged, unstaged or untracked (not ignored) changes.</summary>
    bool IsDirty(string dir);

    /// <summary>
    /// Saves every uncommitted change in <paramref name="dir"/> (untracked files included) as a
    /// commit whose parent is HEAD, on <paramref name="refName"/>, without touching the working
    /// tree, the index or the branch. Returns the commit, or null when there was nothing to save.
    /// </summary>
    string? SnapshotWip(string dir, string refName, string message);

    /// <summary>Refs under <paramref name="prefix"/> (e.g. <c>refs/baton/wip/</c>) with their commits and dates, newest first.</summary>
    IReadOnlyList<GitRef> Refs(string repo, string prefix);

    /// <summary>How many commits <paramref name="revision"/> has that <paramref name="baseRevision"/> does not.</summary>
    int CommitsAhead(string dir, string baseRevision, string revision);

    /// <summary>
    /// Whether <paramref name="branch"/>'s work is in <paramref name="target"/>: by ancestry, or by
    /// patch identity (squash or rebase merges: merging it would change nothing).
    /// </summary>
    MergeState MergeState(string repo, string branch, string target);

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

    /// <summary>
    /// Moves <paramref name="branch"/> from <paramref name="expected"/> to <paramref name="commit"/>
    /// (a fast-forward of a tested commit). When the branch is checked out in a worktree, that
    /// checkout is fast-forwarded with it. False when the branch moved meanwhile or the checkout
    /// cannot take the change; the branch is then left as it was.
    /// </summary>
    bool FastForward(string repo, string branch, string expected, string commit);

    /// <summary>Creates <paramref name="branch"/> at <paramref name="commit"/>; refuses (BatonException) when it exists.</summary>
    void CreateBranch(string repo, string branch, string commit);

    /// <summary>Deletes a branch (merged or abandoned); false when it did not exist.</summary>
    bool DeleteBranch(string repo, string branch);

    /// <summary>Every local branch (short name) with its commit, in one call.</summary>
    IReadOnlyDictionary<string, string> BranchHeads(string repo);

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

    /// <summary>The files that would conflict if <paramref name="a"/> and <paramref name="b"/> were merged (git merge-tree, no checkout); empty when clean.</summary>
    IReadOnlyList<string> MergeConflicts(string repo, string a, string b);

    /// <summary>
    /// Rebases what is checked out in <paramref name="dir"/> (a branch or a detached HEAD) onto
    /// <paramref name="onto"/>: its commits that are not in <paramref name="onto"/> are replayed there.
    /// A conflict is aborted (nothing changed) and its files returned. The new HEAD on success.
    /// </summary>
    MergeAttempt Rebase(string dir, string onto);

    /// <summary>Pushes <paramref name="branch"/> to the same name on <paramref name="remote"/> (a pull request's head).</summary>
    void Push(string repo, string remote, string branch);

    /// <summary>The fetch URL of <paramref name="remote"/>, or null when there is no such remote.</summary>
    string? RemoteUrl(string repo, string remote);
}

/// <summary>One commit of a history walk: its parents and the files it changed.</summary>
public sealed record CommitFiles(string Sha, IReadOnlyList<string> Parents, IReadOnlyList<string> Files);

public sealed record GitRef(string Name, string Commit, DateTimeOffset Date, string Subject);

public enum MergeState
{
    NotMerged,
    Merged,

    /// <summary>Not an ancestor, but its changes are already in the target (squash, rebase, cherry-pick).</summary>
    MergedByPatch,
}

/// <summary>The outcome of a merge: the new HEAD, or the conflicting files (the merge was aborted).</summary>
public sealed record MergeAttempt(bool Merged, string? Commit, IReadOnlyList<string> ConflictFiles, string Output);
