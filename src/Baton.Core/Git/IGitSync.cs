namespace Baton.Core.Git;

/// <summary>
/// Keeping a clone in step with the remote that several clones share (`baton node` on many
/// machines): the remote's branches are read into <c>refs/remotes/REMOTE/BRANCH</c>, and pushes
/// are compare-and-swap on the remote's branch. Every call names the folder it works in (git -C
/// DIR), never asks for a password on a terminal, and fails as a <see cref="GitCommandFailedException"/>.
/// </summary>
public interface IGitSync
{
    /// <summary>Asks the remote for its branches (git ls-remote): throws when it is unknown or does not answer.</summary>
    void Probe(string repo, string remote);

    /// <summary>
    /// Fetches <paramref name="branch"/> from <paramref name="remote"/> into
    /// <c>refs/remotes/REMOTE/BRANCH</c> (forced: it mirrors the remote). Returns its commit, or
    /// null when the remote has no such branch.
    /// </summary>
    string? FetchBranch(string repo, string remote, string branch);

    /// <summary>
    /// Sets <paramref name="branch"/> on <paramref name="remote"/> to <paramref name="commit"/>
    /// only if it is still at <paramref name="expected"/> (null: only if it does not exist yet),
    /// and <c>refs/remotes/REMOTE/BRANCH</c> with it. False when the remote refused because its
    /// branch is elsewhere (another clone pushed first); anything else throws.
    /// </summary>
    bool PushBranch(string repo, string remote, string branch, string commit, string? expected);
}
