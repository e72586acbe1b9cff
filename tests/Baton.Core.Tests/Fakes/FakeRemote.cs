using Baton.Core.Git;

namespace Baton.Core.Tests.Fakes;

/// <summary>
/// A clone and the remote it shares, in memory: local branches, the remote's branches, this
/// clone's remote-tracking refs and a commit graph (each commit's parent), with pushes that fail
/// as often as a test says. Anything else a policy asks of git throws.
/// </summary>
public sealed class FakeRemote : IGitSync, IGitBranches, IGitHistory
{
    private readonly Lock _lock = new();

    public Dictionary<string, string> Local { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> Remote { get; } = new(StringComparer.Ordinal);

    /// <summary>refs/remotes/origin/BRANCH, by branch.</summary>
    public Dictionary<string, string> Tracking { get; } = new(StringComparer.Ordinal);

    /// <summary>Each commit's parent (a line of history per test).</summary>
    public Dictionary<string, string> Parent { get; } = new(StringComparer.Ordinal);

    /// <summary>The next pushes that fail as a broken network does.</summary>
    public int FailPushes { get; set; }

    public List<string> Pushes { get; } = [];

    public void Probe(string repo, string remote)
    {
    }

    public string? FetchBranch(string repo, string remote, string branch)
    {
        lock (_lock)
        {
            if (!Remote.TryGetValue(branch, out var commit))
            {
                return null;
            }

            Tracking[branch] = commit;
            return commit;
        }
    }

    public bool PushBranch(string repo, string remote, string branch, string commit, string? expected)
    {
        lock (_lock)
        {
            Pushes.Add($"{branch} {commit}");
            if (FailPushes > 0)
            {
                FailPushes--;
                throw new GitCommandFailedException(["push", remote, branch], 128, "fatal: unable to access the remote: Connection refused");
            }

            if (Remote.GetValueOrDefault(branch) != expected)
            {
                return false;
            }

            Remote[branch] = commit;
            Tracking[branch] = commit;
            return true;
        }
    }

    public string? CurrentBranch(string dir) => "main";

    public string? Resolve(string dir, string revision)
    {
        lock (_lock)
        {
            const string heads = "refs/heads/", tracking = "refs/remotes/origin/";
            return revision.StartsWith(heads, StringComparison.Ordinal) ? Local.GetValueOrDefault(revision[heads.Length..])
                : revision.StartsWith(tracking, StringComparison.Ordinal) ? Tracking.GetValueOrDefault(revision[tracking.Length..])
                : throw new InvalidOperationException($"unscripted resolve {revision}");
        }
    }

    public void CreateBranch(string repo, string branch, string commit)
    {
        lock (_lock)
        {
            Local.Add(branch, commit);
        }
    }

    public IReadOnlyDictionary<string, string> BranchHeads(string repo)
    {
        lock (_lock)
        {
            return new Dictionary<string, string>(Local, StringComparer.Ordinal);
        }
    }

    public bool FastForward(string repo, string branch, string expected, string commit)
    {
        lock (_lock)
        {
            if (Local.GetValueOrDefault(branch) != expected)
            {
                return false;
            }

            Local[branch] = commit;
            return true;
        }
    }

    public IReadOnlyList<GitRef> Refs(string repo, string prefix)
    {
        lock (_lock)
        {
            return prefix == "refs/remotes/origin/"
                ? [.. Tracking.Select(t => new GitRef(prefix + t.Key, t.Value, DateTimeOffset.UnixEpoch, ""))]
                : throw new InvalidOperationException($"unscripted for-each-ref {prefix}");
        }
    }

    public bool IsAncestor(string repo, string ancestor, string descendant)
    {
        lock (_lock)
        {
            for (string? c = descendant; c is not null; c = Parent.GetValueOrDefault(c))
            {
                if (c == ancestor)
                {
                    return true;
                }
            }

            return false;
        }
    }

    public int CommitsAhead(string dir, string baseRevision, string revision) => throw new InvalidOperationException("unscripted rev-list");

    public MergeState MergeState(string repo, string branch, string target) => throw new InvalidOperationException("unscripted merge state");

    public string? CommonAncestor(string repo, IReadOnlyList<string> commits) => throw new InvalidOperationException("unscripted merge-base");

    public IReadOnlyList<CommitFiles> History(string repo, IReadOnlyList<string> tips, string? exclude) => throw new InvalidOperationException("unscripted log");

    public IReadOnlyList<(string Sha, string Message)> CommitMessages(string repo, IReadOnlyList<string> revisions, int limit) => throw new InvalidOperationException("unscripted log");
}
