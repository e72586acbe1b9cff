namespace Baton.Core.Git;

/// <summary>Branches and refs: what they point at, creating, moving and deleting them. Every call names the folder it works in (git -C DIR).</summary>
public interface IGitBranches
{
    /// <summary>The branch checked out in <paramref name="dir"/>, or null when HEAD is detached.</summary>
    string? CurrentBranch(string dir);

    /// <summary>The commit <paramref name="revision"/> names, or null when it names nothing.</summary>
    string? Resolve(string dir, string revision);

    /// <summary>Creates <paramref name="branch"/> at <paramref name="commit"/>; refuses (BatonException) when it exists.</summary>
    void CreateBranch(string repo, string branch, string commit);


    /// <summary>Every local branch (short name) with its commit, in one call.</summary>
    IReadOnlyDictionary<string, string> BranchHeads(string repo);

    /// <summary>
    /// Moves <paramref name="branch"/> from <paramref name="expected"/> to <paramref name="commit"/>
    /// (a fast-forward of a tested commit). When the branch is checked out in a worktree, that
    /// checkout is fast-forwarded with it. False when the branch moved meanwhile or the checkout
    /// cannot take the change; the branch is then left as it was.
    /// </summary>
    bool FastForward(string repo, string branch, string expected, string commit);

    /// <summary>Refs under <paramref name="prefix"/> (e.g. <c>refs/baton/wip/</c>) with their commits and dates, newest first.</summary>
    IReadOnlyList<GitRef> Refs(string repo, string prefix);
}
