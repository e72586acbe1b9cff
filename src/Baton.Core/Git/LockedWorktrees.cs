namespace Baton.Core.Git;

/// <summary>
/// Worktrees of which one change (add, remove) runs at a time in this process: the autopilot adds,
/// removes and prunes worktrees of one repository from several threads (spawns, clean-ups,
/// scratch merges), and `git worktree prune` run beside a half-made worktree must not see it.
/// Listing passes straight through. The rest of git needs no lock and is not wrapped.
/// </summary>
public sealed class LockedWorktrees : IGitWorktrees
{
    private readonly IGitWorktrees _git;
    private readonly Lock _lock = new();

    public LockedWorktrees(IGitWorktrees git)
    {
        _git = git;
    }

    public void AddWorktree(string repo, string path, string branch, string startPoint)
    {
        lock (_lock)
        {
            _git.AddWorktree(repo, path, branch, startPoint);
        }
    }

    public void AddDetachedWorktree(string repo, string path, string commit)
    {
        lock (_lock)
        {
            _git.AddDetachedWorktree(repo, path, commit);
        }
    }

    public void RemoveWorktree(string repo, string path, bool force = false)
    {
        lock (_lock)
        {
            _git.RemoveWorktree(repo, path, force);
        }
    }

    public bool DeleteBranch(string repo, string branch)
    {
        lock (_lock)
        {
            return _git.DeleteBranch(repo, branch);
        }
    }

    public void Prune(string repo)
    {
        lock (_lock)
        {
            _git.Prune(repo);
        }
    }

    public IReadOnlyList<(string Path, string? Branch)> Worktrees(string repo) => _git.Worktrees(repo);

    public IReadOnlyList<(string Path, string Reason)> PrunableWorktrees(string repo) => _git.PrunableWorktrees(repo);
}
