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

    /// <param name="tested">The commit the branch's gate passed on; it is what gets merged (null: the branch's head).</param>
    public async Task<MergeOutcome> RunAsync(string repo, string scratch, MergeRequest request, string? tested, string message, IReadOnlyList<string> gateCommands, TimeSpan gateTimeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(gateCommands);
        var before = _branches.Resolve(repo, "refs/heads/" + request.Target)
            ?? throw new BatonException($"target branch '{request.Target}' does not exist");
        var branchHead = tested ?? _branches.Resolve(repo, "refs/heads/" + request.Branch)
            ?? throw new BatonException($"branch '{request.Branch}' does not exist");

        if (Rebase)
        {
            return await RebasedAsync(repo, scratch, request, before, branchHead, tested is null, gateCommands, gateTimeout, cancellationToken).ConfigureAwait(false);
        }

        // The merge is computed without a checkout; only the gate needs files on disk.
        var attempt = _merging.MergeCommit(repo, before, branchHead, message);
        if (!attempt.Merged)
        {
            return new MergeOutcome(MergeOutcome.Conflict, $"merging {request.Branch} into {request.Target} conflicts in {string.Join(", ", attempt.ConflictFiles)}", null, attempt.ConflictFiles);
        }

        var merged = attempt.Commit!;
        if (merged == before)
        {
            return new MergeOutcome(MergeOutcome.Merged, $"{request.Branch} was already in {request.Target} (merged by hand, squash or rebase)", before);
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
                    return new MergeOutcome(MergeOutcome.GateFailed, $"the gate failed on {request.Branch} merged onto {request.Target}: {gate.Summary}", null, null, gate);
                }
            }
            finally
            {
                RemoveScratch(repo, scratch);
            }
        }

        return _branches.FastForward(repo, request.Target, before, merged)
            ? new MergeOutcome(MergeOutcome.Merged, $"{request.Branch} merged into {request.Target} at {merged[..Math.Min(12, merged.Length)]}", merged)
            : new MergeOutcome(MergeOutcome.Retry, $"{request.Target} moved, or its checkout has local changes in the way; trying again");
    }

    /// <summary>
    /// The rebase strategy: a rebase needs a checkout, so it runs in the scratch worktree (detached
    /// at the branch's tested commit); the gate runs there on the result when the target moved
    /// since the branch was made (or the branch was queued by hand), then the target fast-forwards.
    /// </summary>
    private async Task<MergeOutcome> RebasedAsync(string repo, string scratch, MergeRequest request, string before, string branchHead, bool untested, IReadOnlyList<string> gateCommands, TimeSpan gateTimeout, CancellationToken cancellationToken)
    {
        RemoveScratch(repo, scratch);
        _worktrees.AddDetachedWorktree(repo, scratch, branchHead);
        try
        {
            var attempt = _merging.Rebase(scratch, before);
            if (!attempt.Merged)
            {
                return new MergeOutcome(MergeOutcome.Conflict, $"rebasing {request.Branch} onto {request.Target} conflicts in {string.Join(", ", attempt.ConflictFiles)}", null, attempt.ConflictFiles);
            }

            var rebased = attempt.Commit!;
            if (rebased == before)
            {
                return new MergeOutcome(MergeOutcome.Merged, $"{request.Branch} was already in {request.Target} (merged by hand, squash or rebase)", before);
            }

            if (gateCommands.Count > 0 && (untested || rebased != branchHead))
            {
                var gate = await _gate.RunAsync(scratch, gateCommands, gateTimeout, cancellationToken).ConfigureAwait(false);
                if (!gate.Passed)
                {
                    return new MergeOutcome(MergeOutcome.GateFailed, $"the gate failed on {request.Branch} rebased onto {request.Target}: {gate.Summary}", null, null, gate);
                }
            }

            return _branches.FastForward(repo, request.Target, before, rebased)
                ? new MergeOutcome(MergeOutcome.Merged, $"{request.Branch} rebased onto {request.Target} at {rebased[..Math.Min(12, rebased.Length)]}", rebased)
                : new MergeOutcome(MergeOutcome.Retry, $"{request.Target} moved, or its checkout has local changes in the way; trying again");
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
