namespace Baton.Core.Git;

/// <summary>
/// An <see cref="IGit"/> that lets one worktree change (add, remove) run at a time in this
/// process: the autopilot adds, removes and prunes worktrees of one repository from several
/// threads (spawns, clean-ups, scratch merges), and `git worktree prune` run beside a half-made
/// worktree must not see it. Everything else passes straight through.
/// </summary>
public sealed class LockedWorktrees : IGit
{
    private readonly IGit _git;
    private readonly Lock _lock = new();

    public LockedWorktrees(IGit git)
    {
        _git = git;
    }

    public string? CurrentBranch(string dir) => _git.CurrentBranch(dir);

    public string? Resolve(string dir, string revision) => _git.Resolve(dir, revision);

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

    public IReadOnlyList<(string Path, string? Branch)> Worktrees(string repo) => _git.Worktrees(repo);

    public bool IsDirty(string dir) => _git.IsDirty(dir);

    public string? SnapshotWip(string dir, string refName, string message) => _git.SnapshotWip(dir, refName, message);

    public IReadOnlyList<GitRef> Refs(string repo, string prefix) => _git.Refs(repo, prefix);

    public int CommitsAhead(string dir, string baseRevision, string revision) => _git.CommitsAhead(dir, baseRevision, revision);

    public MergeState MergeState(string repo, string branch, string target) => _git.MergeState(repo, branch, target);

    public MergeAttempt Merge(string dir, string branch, string message) => _git.Merge(dir, branch, message);

    public MergeAttempt MergeCommit(string repo, string target, string branch, string message) => _git.MergeCommit(repo, target, branch, message);

    public bool FastForward(string repo, string branch, string expected, string commit) => _git.FastForward(repo, branch, expected, commit);

    public void CreateBranch(string repo, string branch, string commit) => _git.CreateBranch(repo, branch, commit);

    public bool DeleteBranch(string repo, string branch) => _git.DeleteBranch(repo, branch);

    public IReadOnlyDictionary<string, string> BranchHeads(string repo) => _git.BranchHeads(repo);

    public string? CommonAncestor(string repo, IReadOnlyList<string> commits) => _git.CommonAncestor(repo, commits);

    public IReadOnlyList<CommitFiles> History(string repo, IReadOnlyList<string> tips, string? exclude) => _git.History(repo, tips, exclude);

    public IReadOnlyList<string> MergeConflicts(string repo, string a, string b) => _git.MergeConflicts(repo, a, b);

    public bool IsAncestor(string repo, string ancestor, string descendant) => _git.IsAncestor(repo, ancestor, descendant);

    public IReadOnlyList<(string Sha, string Message)> CommitMessages(string repo, IReadOnlyList<string> revisions, int limit) => _git.CommitMessages(repo, revisions, limit);

    public MergeAttempt Rebase(string dir, string onto) => _git.Rebase(dir, onto);

    public void Push(string repo, string remote, string branch) => _git.Push(repo, remote, branch);

    public string? RemoteUrl(string repo, string remote) => _git.RemoteUrl(repo, remote);
}
