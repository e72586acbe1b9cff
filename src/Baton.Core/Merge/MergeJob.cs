using Baton.Core.Files;
using Baton.Core.Git;
using Baton.Core.Processes;

namespace Baton.Core.Merge;

/// <summary>How a merge attempt ended.</summary>
public sealed record MergeOutcome(string Result, string Detail, string? Commit = null, IReadOnlyList<string>? Files = null, GateOutcome? Gate = null)
{
    public const string Merged = "merged";
    public const string Conflict = "conflict";
    public const string GateFailed = "gate-failed";

    /// <summary>The target moved or its checkout could not take the change: the request stays queued.</summary>
    public const string Retry = "retry";

    /// <summary>How a merge prepared ahead went (<see cref="MergePipeline"/>): null when none was prepared; "used", or why it was discarded and redone.</summary>
    public string? Prepared { get; init; }
}

/// <summary>
/// Lands one branch on its target without ever leaving the target broken or half-merged: the merge
/// commit is made without a checkout (git merge-tree) on the target's current commit; when the
/// target moved since the branch was tested, the gate runs on that commit in a scratch worktree;
/// only then is the target moved, by a checked fast-forward to the tested commit. A kill at any
/// point leaves the target where it was (a scratch worktree is removed on the next start).
/// Touches no store: it runs in the background. A cancelled token stops its gate (see
/// <see cref="GateRunner"/>): the target stays where it was and the request stays queued.
/// </summary>
public sealed class MergeJob
{
    private readonly IGitWorktrees _worktrees;
    private readonly IGitBranches _branches;
    private readonly IGitHistory _history;
    private readonly IGitMerging _merging;
    private readonly GateRunner _gate;
    private readonly IFiles _files;

    public MergeJob(IGitWorktrees worktrees, IGitBranches branches, IGitHistory history, IGitMerging merging, GateRunner gate, IFiles files)
    {
        _worktrees = worktrees;
        _branches = branches;
        _history = history;
        _merging = merging;
        _gate = gate;
        _files = files;
    }

    /// <summary>
    /// <c>merge.strategy: rebase</c>: the branch's commits are replayed onto the target in the
    /// scratch worktree and the target fast-forwards to them (a linear history), instead of a
    /// merge commit.
    /// </summary>
    public bool Rebase { get; init; }

    /// <summary>
    /// A node's clone (nodes.remote): a merge made on the target's head brings the target up to
    /// the remote's first (fetched), and a landing is a compare-and-swap push of the target from
    /// where this clone last saw it (a remote that moved meanwhile makes it a retry, merged again
    /// on the remote's new head). Null: this repository alone.
    /// </summary>
    public Nodes.SharedRemote? Remote { get; init; }

    /// <param name="tested">The commit the branch's gate passed on; it is what gets merged (null: the branch's head).</param>
    public async Task<MergeOutcome> RunAsync(string repo, string scratch, MergeRequest request, string? tested, string message, IReadOnlyList<string> gateCommands, TimeSpan gateTimeout, CancellationToken cancellationToken) =>
        Land(repo, request, await PrepareAsync(repo, scratch, request, tested, message, gateCommands, gateTimeout, null, null, cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// Works out the merge of <paramref name="request"/> onto <paramref name="onto"/> (null: the
    /// target's head now) and runs the gate on the result where it must (see <see cref="RunAsync"/>),
    /// without moving the target: <see cref="Land"/> does that, and only while the target is still at
    /// the commit the merge was made on. A pipelined merge is prepared onto the commit the landing
    /// before it will produce, while that one lands (<see cref="MergePipeline"/>).
    /// </summary>
    /// <param name="composed">Told, once and before the gate runs, the commit the target will be at once this merge lands
    /// (the merge result; the target's own commit when the merge conflicts or the branch is already in it), or null when no
    /// merge could be worked out; the next merge in the queue can be prepared onto it.</param>
    public async Task<PreparedMerge> PrepareAsync(string repo, string scratch, MergeRequest request, string? tested, string message, IReadOnlyList<string> gateCommands, TimeSpan gateTimeout,
        string? onto, Action<string?>? composed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(gateCommands);
        var told = false;
        void Tell(string? commit)
        {
            if (!told)
            {
                told = true;
                composed?.Invoke(commit);
            }
        }

        try
        {
            var before = onto ?? (Remote is { } remote ? remote.SyncTarget(request.Target).Local : _branches.Resolve(repo, "refs/heads/" + request.Target))
                ?? throw new BatonException($"target branch '{request.Target}' does not exist");
            // Untested (queued by hand, a feature's overseer branch): in a node's clone, the
            // branch as the remote has it, which another node may have pushed or landed on.
            var branchHead = tested ?? (Remote is { } shared ? shared.Head(request.Branch) : _branches.Resolve(repo, "refs/heads/" + request.Branch))
                ?? throw new BatonException($"branch '{request.Branch}' does not exist" + (Remote is { } named ? $" here or on {named.Name}" : ""));

            if (Rebase)
            {
                return await RebasedAsync(repo, scratch, request, before, branchHead, tested is null, gateCommands, gateTimeout, Tell, cancellationToken).ConfigureAwait(false);
            }

            // The merge is computed without a checkout; only the gate needs files on disk.
            var attempt = _merging.MergeCommit(repo, before, branchHead, message);
            if (!attempt.Merged)
            {
                Tell(before);
                return new PreparedMerge(before, null, new MergeOutcome(MergeOutcome.Conflict, $"merging {request.Branch} into {request.Target} conflicts in {string.Join(", ", attempt.ConflictFiles)}", null, attempt.ConflictFiles));
            }

            var merged = attempt.Commit!;
            Tell(merged);
            if (merged == before)
            {
                return new PreparedMerge(before, null, new MergeOutcome(MergeOutcome.Merged, $"{request.Branch} was already in {request.Target} (merged by hand, squash or rebase)", before));
            }

            // When the target has not moved since the branch was made, the merge result holds
            // exactly what the gate already passed on the branch; otherwise test the combination.
            // A branch queued by hand (`baton merge`) passed no gate: the result is always tested.
            if (gateCommands.Count > 0 && (tested is null || _history.CommitsAhead(repo, branchHead, before) > 0))
            {
                RemoveScratch(repo, scratch);
                _worktrees.AddDetachedWorktree(repo, scratch, merged);
                try
                {
                    var gate = await _gate.RunAsync(scratch, gateCommands, gateTimeout, cancellationToken).ConfigureAwait(false);
                    if (!gate.Passed)
                    {
                        return new PreparedMerge(before, null, new MergeOutcome(MergeOutcome.GateFailed, $"the gate failed on {request.Branch} merged onto {request.Target}: {gate.Summary}", null, null, gate));
                    }
                }
                finally
                {
                    RemoveScratch(repo, scratch);
                }
            }

            return new PreparedMerge(before, merged, null);
        }
        finally
        {
            Tell(null);
        }
    }

    /// <summary>
    /// Lands a prepared merge: its conclusion (a conflict, a failed gate, already in), or a checked
    /// fast-forward of the target from the commit the merge was made on to the tested result. When
    /// the target moved meanwhile nothing moves (<see cref="MergeOutcome.Retry"/>): the gate never
    /// passed on what the target would then hold.
    /// </summary>
    public MergeOutcome Land(string repo, MergeRequest request, PreparedMerge prepared)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(prepared);
        if (prepared.Conclusion is { } conclusion)
        {
            return conclusion;
        }

        var merged = prepared.Commit!;
        var how = Rebase ? "rebased onto" : "merged into";
        if (Remote is { } remote)
        {
            return remote.Land(request.Target, prepared.Onto, merged)
                ? new MergeOutcome(MergeOutcome.Merged, $"{request.Branch} {how} {request.Target} at {merged[..Math.Min(12, merged.Length)]}, pushed to {remote.Name}", merged)
                : new MergeOutcome(MergeOutcome.Retry, $"{remote.Name}/{request.Target} moved meanwhile (another clone pushed to it): fetched and merged again on the next try");
        }

        return _branches.FastForward(repo, request.Target, prepared.Onto, merged)
            ? new MergeOutcome(MergeOutcome.Merged, $"{request.Branch} {how} {request.Target} at {merged[..Math.Min(12, merged.Length)]}", merged)
            : new MergeOutcome(MergeOutcome.Retry, $"{request.Target} moved, or its checkout has local changes in the way; trying again");
    }

    /// <summary>
    /// The rebase strategy: a rebase needs a checkout, so it runs in the scratch worktree (detached
    /// at the branch's tested commit); the gate runs there on the result when the target moved
    /// since the branch was made (or the branch was queued by hand); <see cref="Land"/> then fast-forwards the target.
    /// </summary>
    private async Task<PreparedMerge> RebasedAsync(string repo, string scratch, MergeRequest request, string before, string branchHead, bool untested, IReadOnlyList<string> gateCommands, TimeSpan gateTimeout,
        Action<string?> tell, CancellationToken cancellationToken)
    {
        RemoveScratch(repo, scratch);
        _worktrees.AddDetachedWorktree(repo, scratch, branchHead);
        try
        {
            var attempt = _merging.Rebase(scratch, before);
            if (!attempt.Merged)
            {
                tell(before);
                return new PreparedMerge(before, null, new MergeOutcome(MergeOutcome.Conflict, $"rebasing {request.Branch} onto {request.Target} conflicts in {string.Join(", ", attempt.ConflictFiles)}", null, attempt.ConflictFiles));
            }

            var rebased = attempt.Commit!;
            tell(rebased);
            if (rebased == before)
            {
                return new PreparedMerge(before, null, new MergeOutcome(MergeOutcome.Merged, $"{request.Branch} was already in {request.Target} (merged by hand, squash or rebase)", before));
            }

            if (gateCommands.Count > 0 && (untested || rebased != branchHead))
            {
                var gate = await _gate.RunAsync(scratch, gateCommands, gateTimeout, cancellationToken).ConfigureAwait(false);
                if (!gate.Passed)
                {
                    return new PreparedMerge(before, null, new MergeOutcome(MergeOutcome.GateFailed, $"the gate failed on {request.Branch} rebased onto {request.Target}: {gate.Summary}", null, null, gate));
                }
            }

            return new PreparedMerge(before, rebased, null);
        }
        finally
        {
            RemoveScratch(repo, scratch);
        }
    }

    /// <summary>Removes a scratch worktree left by this or an earlier (killed) run; it never holds anyone's work.</summary>
    public void RemoveScratch(string repo, string scratch)
    {
        if (_files.DirectoryExists(scratch) || _worktrees.Worktrees(repo).Any(w => SamePath(w.Path, scratch)))
        {
            try
            {
                _worktrees.RemoveWorktree(repo, scratch, force: true);
            }
            catch (BatonException e) when (e is GitCommandFailedException or ProcessTimedOutException && _files.DirectoryExists(scratch))
            {
                _files.DeleteDirectory(scratch);
            }
        }
    }

    private static bool SamePath(string a, string b) =>
        string.Equals(Path.GetFullPath(a).TrimEnd('/'), Path.GetFullPath(b).TrimEnd('/'), StringComparison.Ordinal);
}
