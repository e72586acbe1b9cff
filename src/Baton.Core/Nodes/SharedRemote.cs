using Baton.Core.Git;

namespace Baton.Core.Nodes;

/// <summary>
/// A node's clone and the git remote the fleet shares (<c>nodes.remote</c>, docs/nodes.md): the
/// remote is where work moves between machines. A ticket's branch is pushed at each commit
/// (<see cref="BranchPushes"/>), so a node that claims a re-queued ticket resumes from it
/// (<see cref="ResumeBranch"/>); the target is brought up to the remote's before a branch starts
/// from it and before a merge, and a landing is a compare-and-swap push of the target
/// (<see cref="PushBranch"/>). Git calls that write the remote-tracking refs run one at a time
/// (the loop thread, background spawns and the merge job all come here).
/// </summary>
public sealed class SharedRemote
{
    private readonly IGitSync _sync;
    private readonly IGitBranches _branches;
    private readonly IGitHistory _history;
    private readonly string _worktrees;
    private readonly Lock _lock = new();

    public SharedRemote(IGitSync sync, IGitBranches branches, IGitHistory history, string name, string root, string worktreesDir)
    {
        ArgumentNullException.ThrowIfNull(sync);
        ArgumentNullException.ThrowIfNull(branches);
        ArgumentNullException.ThrowIfNull(history);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(worktreesDir);
        _sync = sync;
        _branches = branches;
        _history = history;
        Name = name;
        Root = root;
        _worktrees = Path.TrimEndingDirectorySeparator(Path.GetFullPath(worktreesDir)) + Path.DirectorySeparatorChar;
    }

    /// <summary>The remote's name in this clone (<c>origin</c> unless nodes.remote says otherwise).</summary>
    public string Name { get; }

    public string Root { get; }

    /// <summary>
    /// At node start: the remote must be one of this clone's and answer, or the node would work
    /// alone while the others wait for its pushes. Throws a BatonException saying what to do.
    /// </summary>
    public static void Check(IGitRemote remotes, IGitSync sync, string root, string name)
    {
        ArgumentNullException.ThrowIfNull(remotes);
        ArgumentNullException.ThrowIfNull(sync);
        if (remotes.RemoteUrl(root, name) is not { } url)
        {
            throw new BatonException($"this clone has no git remote '{name}' (nodes.remote), and every node works in its own clone of the remote the fleet shares: "
                + $"`git clone URL` the shared repository on each machine, or `git remote add {name} URL` here; `nodes.remote: none` in .baton/config.yaml runs every node on this one repository instead");
        }

        try
        {
            sync.Probe(root, name);
        }
        catch (GitCommandFailedException e)
        {
            throw new BatonException($"the git remote '{name}' ({url}, nodes.remote) does not answer from {root}: {e.Message}. Check the URL (`git remote -v`), the network and your access (`git ls-remote {name}` must work without a prompt)");
        }
    }

    /// <summary>Whether a ticket's recorded worktree is in this clone (another node's is on its own machine, or in its own clone).</summary>
    public bool Owns(string worktree)
    {
        ArgumentNullException.ThrowIfNull(worktree);
        return Path.GetFullPath(worktree).StartsWith(_worktrees, StringComparison.Ordinal);
    }

    /// <summary>Where this clone last saw the remote's branch (its remote-tracking ref), or null.</summary>
    public string? Tracking(string branch) => _branches.Resolve(Root, TrackingRef(branch));

    public string TrackingRef(string branch) => $"refs/remotes/{Name}/{GitRefName.ValidateBranch(branch)}";

    /// <summary>The remote's branch as it is now (fetched), or null when the remote has none.</summary>
    public string? Fetch(string branch)
    {
        GitRefName.ValidateBranch(branch);
        lock (_lock)
        {
            return _sync.FetchBranch(Root, Name, branch);
        }
    }

    /// <summary>
    /// A branch as this clone merges it when no gate named its commit (`baton merge` by hand, a
    /// feature's overseer branch): the remote's, fetched (another node pushed it, or landed on it);
    /// this clone's only when it holds all of the remote's and more (commits not pushed yet), or
    /// the remote has none. Null when neither has it.
    /// </summary>
    public string? Head(string branch)
    {
        lock (_lock)
        {
            var pushed = Fetch(branch);
            var local = _branches.Resolve(Root, "refs/heads/" + branch);
            return pushed is null || (local is not null && _history.IsAncestor(Root, pushed, local)) ? local : pushed;
        }
    }

    /// <summary>
    /// What a ticket's branch is looked for in to tell it merged: the remote's
    /// <paramref name="target"/> (fetched: another node may have landed it, and this clone's
    /// target not followed yet), or this clone's when the remote has none.
    /// </summary>
    public string MergedInto(string target) => Fetch(target) is not null ? TrackingRef(target) : target;

    /// <summary>Sets the remote's branch to <paramref name="commit"/> if it is still at <paramref name="expected"/>; false when it moved.</summary>
    public bool PushBranch(string branch, string commit, string? expected)
    {
        GitRefName.ValidateBranch(branch);
        lock (_lock)
        {
            return _sync.PushBranch(Root, Name, branch, commit, expected);
        }
    }

    /// <summary>
    /// Brings the local <paramref name="target"/> up to the remote's (fetched; fast-forwarded, or
    /// made when this clone lacks it), so work starts from, and merges onto, what other nodes
    /// landed. Returns the local target's commit (null when neither has it) and the remote's
    /// (null when the remote has no such branch yet): a landing pushes against the latter.
    /// </summary>
    public (string? Local, string? Remote) SyncTarget(string target)
    {
        lock (_lock)
        {
            return SyncTargetLocked(target);
        }
    }

    /// <summary>
    /// A long-lived branch every node works on (a feature's integration and implementor branches,
    /// `baton feature init`): taken from the remote when it has it (made or fast-forwarded here),
    /// else made here at <paramref name="start"/> when this clone lacks it too; then what this
    /// clone has beyond the remote's is pushed, so the other nodes' clones find it. True when this
    /// call made the branch (it was nowhere before).
    /// </summary>
    public bool Share(string branch, string start)
    {
        GitRefName.ValidateBranch(branch);
        lock (_lock)
        {
            var (local, remote) = SyncTargetLocked(branch);
            if (local is not null && local == remote)
            {
                return false;
            }

            var made = local is null;
            if (made)
            {
                _branches.CreateBranch(Root, branch, start);
            }

            if (_sync.PushBranch(Root, Name, branch, local ?? start, remote))
            {
                return made;
            }

            // Another clone pushed it meanwhile: this one follows the remote's (or says how they differ).
            SyncTargetLocked(branch);
            return false;
        }
    }

    private (string? Local, string? Remote) SyncTargetLocked(string target)
    {
        var remote = Fetch(target);
        var local = _branches.Resolve(Root, "refs/heads/" + target);
        if (remote is null || local == remote)
        {
            return (local, remote);
        }

        if (local is null)
        {
            _branches.CreateBranch(Root, target, remote);
            return (remote, remote);
        }

        if (_history.IsAncestor(Root, remote, local))
        {
            return (local, remote); // commits here the remote lacks yet: the next landing takes them along
        }

        if (!_history.IsAncestor(Root, local, remote))
        {
            throw new BatonException($"{target} here ({Short(local)}) and {Name}/{target} ({Short(remote)}) went separate ways: merge one into the other by hand and push, then the merge queue goes on");
        }

        if (!_branches.FastForward(Root, target, local, remote))
        {
            throw new BatonException($"{target} here is behind {Name}/{target} and its checkout cannot move to {Short(remote)} (local changes in the way): commit or stash them at {Root}");
        }

        return (remote, remote);
    }

    /// <summary>
    /// Before a claimed ticket's worktree is made: when the remote has its branch further on than
    /// this clone (an earlier attempt on another node pushed it), the local branch is made or
    /// fast-forwarded to it, so the new agent starts from every commit already made. Returns what
    /// it did, or null when there was nothing to do.
    /// </summary>
    public string? ResumeBranch(string branch)
    {
        lock (_lock)
        {
            return ResumeBranchLocked(branch);
        }
    }

    private string? ResumeBranchLocked(string branch)
    {
        if (Fetch(branch) is not { } remote)
        {
            return null; // never pushed: a first attempt, or one that made no commit
        }

        var local = _branches.Resolve(Root, "refs/heads/" + branch);
        if (local is null)
        {
            _branches.CreateBranch(Root, branch, remote);
            return $"{branch} resumed from {Name}/{branch} at {Short(remote)}";
        }

        if (local == remote || _history.IsAncestor(Root, remote, local))
        {
            return null; // this clone has all of it (and perhaps more, pushed at the next checkpoint)
        }

        if (!_history.IsAncestor(Root, local, remote))
        {
            throw new BatonException($"{branch} here ({Short(local)}) and {Name}/{branch} ({Short(remote)}) went separate ways: keep what matters of both on {Name}/{branch} by hand, then retry the ticket");
        }

        if (!_branches.FastForward(Root, branch, local, remote))
        {
            throw new BatonException($"{branch} here is behind {Name}/{branch}, and its worktree cannot move to {Short(remote)} (local changes in the way)");
        }

        return $"{branch} brought up to {Name}/{branch} at {Short(remote)}";
    }

    /// <summary>
    /// Before a claimed ticket's worktree is made (in the background spawn, or before a reused
    /// agent's folder is switched to it): its target brought up to the remote's, so a new branch
    /// starts from the work other nodes landed; a stacked ticket's unmerged parent's branch
    /// (<paramref name="stackParent"/>) brought up to the remote's, as the dependent starts from
    /// it; and its own branch resumed from the remote's (<see cref="ResumeBranch"/>).
    /// </summary>
    public void Prepare(Tickets.Ticket claimed, string? stackParent)
    {
        ArgumentNullException.ThrowIfNull(claimed);
        if (claimed.Target is { } target)
        {
            SyncTarget(target);
        }

        if (stackParent is not null)
        {
            ResumeStackParent(claimed, stackParent);
        }

        if (claimed.Branch is { } branch)
        {
            ResumeBranch(branch);
        }
    }

    /// <summary>
    /// A stacked ticket starts from its parent's tested branch, which the parent's node pushed
    /// before its gate: made or fast-forwarded here from the remote's. Neither here nor on the
    /// remote is an error: starting from the target instead would leave out the parent's work.
    /// </summary>
    private void ResumeStackParent(Tickets.Ticket claimed, string parentBranch)
    {
        lock (_lock)
        {
            if (ResumeBranchLocked(parentBranch) is null && _branches.Resolve(Root, "refs/heads/" + parentBranch) is null)
            {
                throw new BatonException($"{claimed.Id} is stacked on {parentBranch}, which neither this clone nor {Name} has (the node that ran it has not pushed it): "
                    + $"push it from that node's clone (`git push {Name} {parentBranch}`), or the ticket is tried again later");
            }
        }
    }

    /// <summary>
    /// A landing (the merge job, in the background): the remote's <paramref name="target"/> is set
    /// to <paramref name="merged"/> only if it is still where this clone last saw it (fetched
    /// before the merge, or pushed by the landing before), then this clone's target follows from
    /// <paramref name="localBefore"/>. False when the remote moved meanwhile: nothing landed, and
    /// the merge is made again on the remote's new head.
    /// </summary>
    public bool Land(string target, string localBefore, string merged)
    {
        lock (_lock)
        {
            if (!PushBranch(target, merged, Tracking(target)))
            {
                return false;
            }

            // The remote holds the landing now; a checkout in the way only delays this clone's
            // copy, which the next SyncTarget fast-forwards.
            _branches.FastForward(Root, target, localBefore, merged);
            return true;
        }
    }

    private static string Short(string commit) => commit[..Math.Min(12, commit.Length)];
}
