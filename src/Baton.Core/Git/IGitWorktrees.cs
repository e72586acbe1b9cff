namespace Baton.Core.Git;

/// <summary>Worktrees of the repository: adding, removing, listing. The only part that needs the worktree lock (<see cref="LockedWorktrees"/>). Every call names the folder it works in (git -C DIR).</summary>
public interface IGitWorktrees
{
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

    /// <summary>
    /// Deletes a branch (merged or abandoned); false when it did not exist. It is here, under the
    /// worktree lock, because git reads every worktree's metadata to refuse deleting a checked-out
    /// branch: run beside a worktree being added it failed ("failed to read .git/worktrees/…/commondir").
    /// </summary>
    bool DeleteBranch(string repo, string branch);

    /// <summary>Forgets worktrees whose folder is gone (`git worktree prune`), e.g. after a loop killed while removing one.</summary>
    void Prune(string repo);

    /// <summary>Folders of the repository's worktrees with the branch each has checked out (null when detached).</summary>
    IReadOnlyList<(string Path, string? Branch)> Worktrees(string repo);

    /// <summary>Worktrees git calls prunable (their folder is gone), with git's reason; `git worktree prune` forgets them.</summary>
    IReadOnlyList<(string Path, string Reason)> PrunableWorktrees(string repo);
}
