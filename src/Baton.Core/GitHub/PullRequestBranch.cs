using Baton.Core.Git;

namespace Baton.Core.GitHub;

/// <summary>
/// A ticket's branch pushed to the remote its pull request is opened against (<c>github.remote</c>).
/// In a node's clone (<c>nodes.remote</c>) the branch is first made or fast-forwarded here from the
/// shared remote, where the node that ran the ticket pushed it before its gate (that node may be
/// another one): what goes to the pull request is the tested work, not this clone's copy, which
/// may be stale or missing.
/// </summary>
public static class PullRequestBranch
{
    public static void Push(IGitRemote remotes, IGitBranches branches, Nodes.SharedRemote? shared, string root, string remote, string ticket, string branch)
    {
        ArgumentNullException.ThrowIfNull(remotes);
        ArgumentNullException.ThrowIfNull(branches);
        shared?.ResumeBranch(branch);
        if (branches.Resolve(root, "refs/heads/" + branch) is null)
        {
            throw new BatonException($"{ticket}'s branch {branch} does not exist in {root}" + (shared is null ? "" : $" nor on {shared.Name}"));
        }

        remotes.Push(root, remote, branch);
    }
}
