namespace Baton.Core.Config;

/// <summary>Where a branch that passed its gate goes (<c>merge.mode</c>).</summary>
public enum MergeMode
{
    /// <summary><c>local</c>: Baton's merge queue merges it into the target.</summary>
    Local,

    /// <summary><c>pull_request</c>: the branch is pushed and a GitHub pull request opened and followed.</summary>
    PullRequest,
}
