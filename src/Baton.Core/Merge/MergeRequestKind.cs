namespace Baton.Core.Merge;

/// <summary>How a branch enters its target: Baton's local merge queue, or a GitHub pull request.</summary>
public enum MergeRequestKind
{
    Local,
    GitHub,
}
