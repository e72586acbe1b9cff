namespace Baton.Core.Config;

/// <summary>How the merge queue lands a branch (<c>merge.strategy</c>).</summary>
public enum MergeStrategy
{
    /// <summary><c>merge</c>: a merge commit on the target.</summary>
    Merge,

    /// <summary><c>rebase</c>: the branch's commits replayed onto the target (linear history).</summary>
    Rebase,
}
