namespace Baton.Core.Git;

/// <summary>
/// Everything Baton asks of git, in git's own vocabulary: the adapter implements all of it, callers
/// take only the part they need (<see cref="IGitWorktrees"/>, <see cref="IGitBranches"/>,
/// <see cref="IGitHistory"/>, <see cref="IGitMerging"/>, <see cref="IGitChanges"/>, <see cref="IGitRemote"/>, <see cref="IGitSync"/>).
/// Every call names the folder it works in (the adapter passes it as <c>git -C DIR</c>); nothing
/// depends on the current directory. A git command that fails is a <see cref="GitCommandFailedException"/>.
/// </summary>
public interface IGit : IGitWorktrees, IGitBranches, IGitHistory, IGitMerging, IGitChanges, IGitRemote, IGitCheckouts, IGitSync;

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
