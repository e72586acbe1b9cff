using Baton.Core.Git;

namespace Baton.Core.Tests.Fakes;

/// <summary>
/// The parts of git the autopilot's policies call, in memory: branch heads, HEAD per checkout,
/// dirty checkouts, worktrees, and scripted answers for merges. A call the test gave no answer
/// for throws, so a policy that reaches for git unexpectedly fails its test.
/// </summary>
public sealed class FakeGit : IGitWorktrees, IGitBranches, IGitHistory, IGitMerging, IGitChanges, IGitCheckouts
{
    private readonly List<string> _calls = [];
    private readonly Lock _lock = new();

    /// <summary>Local branches (short name) and their commits.</summary>
    public Dictionary<string, string> Heads { get; } = new(StringComparer.Ordinal);

    /// <summary>HEAD of each checkout folder.</summary>
    public Dictionary<string, string> HeadOf { get; } = new(StringComparer.Ordinal);

    /// <summary>The branch checked out at the root.</summary>
    public string? Checkout { get; set; }

    public HashSet<string> Dirty { get; } = new(StringComparer.Ordinal);

    public List<(string Path, string? Branch)> Trees { get; } = [];

    public Func<string, string, string, int>? Ahead { get; set; }

    public Func<string, string, string, MergeAttempt>? OnMergeCommit { get; set; }

    public Func<string, string, string, string, bool>? OnFastForward { get; set; }

    public Func<string, string, MergeState>? OnMergeState { get; set; }

    public Func<string, string, MergeAttempt>? OnRebase { get; set; }

    /// <summary>Runs before a worktree is removed (with its path): a test makes git refuse by throwing.</summary>
    public Action<string>? OnRemoveWorktree { get; set; }

    public IReadOnlyList<string> Calls
    {
        get
        {
            lock (_lock)
            {
                return [.. _calls];
            }
        }
    }

    public void AddWorktree(string repo, string path, string branch, string startPoint)
    {
        Record($"worktree add {path} {branch} {startPoint}");
        lock (_lock)
        {
            Trees.Add((path, branch));
        }
    }

    public void SwitchFresh(string worktree, string branch, string startPoint)
    {
        Record($"switch {worktree} {branch} {startPoint}");
        lock (_lock)
        {
            Trees.RemoveAll(t => t.Path == worktree);
            Trees.Add((worktree, branch));
        }
    }

    public void AddDetachedWorktree(string repo, string path, string commit)
    {
        Record($"worktree add --detach {path} {commit}");
        lock (_lock)
        {
            Trees.Add((path, null));
        }
    }

    public void RemoveWorktree(string repo, string path, bool force = false)
    {
        Record($"worktree remove {path}{(force ? " --force" : "")}");
        OnRemoveWorktree?.Invoke(path);
        lock (_lock)
        {
            Trees.RemoveAll(t => t.Path == path);
        }
    }

    public void Prune(string repo) => Record("worktree prune");

    public IReadOnlyList<(string Path, string? Branch)> Worktrees(string repo)
    {
        lock (_lock)
        {
            return [.. Trees];
        }
    }

    /// <summary>Worktrees whose folder is gone, as the test sets them.</summary>
    public List<(string Path, string Reason)> Prunable { get; } = [];

    public IReadOnlyList<(string Path, string Reason)> PrunableWorktrees(string repo) => [.. Prunable];

    public string? CurrentBranch(string dir) => Checkout ?? throw Unscripted("rev-parse --abbrev-ref HEAD");

    public string? Resolve(string dir, string revision)
    {
        lock (_lock)
        {
            if (revision == "HEAD")
            {
                return HeadOf.TryGetValue(dir, out var head) ? head : null;
            }

            var name = revision.StartsWith("refs/heads/", StringComparison.Ordinal) ? revision["refs/heads/".Length..] : revision;
            return Heads.TryGetValue(name, out var commit) ? commit : null;
        }
    }

    public void CreateBranch(string repo, string branch, string commit) => throw Unscripted($"branch {branch} {commit}");

    public bool DeleteBranch(string repo, string branch)
    {
        Record($"branch -D {branch}");
        lock (_lock)
        {
            return Heads.Remove(branch);
        }
    }

    public IReadOnlyDictionary<string, string> BranchHeads(string repo)
    {
        lock (_lock)
        {
            return new Dictionary<string, string>(Heads, StringComparer.Ordinal);
        }
    }

    public bool FastForward(string repo, string branch, string expected, string commit)
    {
        Record($"fast-forward {branch} {expected} {commit}");
        var moved = (OnFastForward ?? throw Unscripted("fast-forward"))(repo, branch, expected, commit);
        if (moved)
        {
            lock (_lock)
            {
                Heads[branch] = commit;
            }
        }

        return moved;
    }

    public IReadOnlyList<GitRef> Refs(string repo, string prefix) => throw Unscripted($"for-each-ref {prefix}");

    public int CommitsAhead(string dir, string baseRevision, string revision) =>
        (Ahead ?? throw Unscripted($"rev-list --count {baseRevision}..{revision}"))(dir, baseRevision, revision);

    public MergeState MergeState(string repo, string branch, string target) =>
        (OnMergeState ?? throw Unscripted($"merge state {branch} {target}"))(branch, target);

    public string? CommonAncestor(string repo, IReadOnlyList<string> commits) => throw Unscripted("merge-base");

    public IReadOnlyList<CommitFiles> History(string repo, IReadOnlyList<string> tips, string? exclude) => throw Unscripted("log");

    public bool IsAncestor(string repo, string ancestor, string descendant) => throw Unscripted("merge-base --is-ancestor");

    public IReadOnlyList<(string Sha, string Message)> CommitMessages(string repo, IReadOnlyList<string> revisions, int limit) => throw Unscripted("log --format");

    public MergeAttempt Merge(string dir, string branch, string message) => throw Unscripted($"merge {branch}");

    public MergeAttempt MergeCommit(string repo, string target, string branch, string message)
    {
        Record($"merge-tree {target} {branch}");
        return (OnMergeCommit ?? throw Unscripted("merge-tree"))(repo, target, branch);
    }

    public IReadOnlyList<string> MergeConflicts(string repo, string a, string b) => throw Unscripted("merge-tree (conflicts)");

    public MergeAttempt Rebase(string dir, string onto)
    {
        Record($"rebase {onto}");
        return (OnRebase ?? throw Unscripted("rebase"))(dir, onto);
    }

    public bool IsDirty(string dir)
    {
        lock (_lock)
        {
            return Dirty.Contains(dir);
        }
    }

    public string? SnapshotWip(string dir, string refName, string message)
    {
        Record($"snapshot {dir} {refName}");
        lock (_lock)
        {
            return Dirty.Remove(dir) ? "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a" : null;
        }
    }

    private void Record(string call)
    {
        lock (_lock)
        {
            _calls.Add(call);
        }
    }

    private static InvalidOperationException Unscripted(string call) => new($"FakeGit: the test gave no answer for `git {call}`");
}
