namespace Baton.Core.Conflicts;

/// <summary>What one look at the live branches found, and what it cost.</summary>
public sealed record ConflictScan
{
    public required IReadOnlyList<LiveBranch> Branches { get; init; }

    /// <summary>Branches the store names that do not exist (deleted by hand): left out.</summary>
    public IReadOnlyList<string> Missing { get; init; } = [];

    /// <summary>Pairs considered, pairs skipped because their changes do not overlap, and merges predicted with git merge-tree.</summary>
    public int Pairs { get; init; }
    public int Skipped { get; init; }
    public int MergeTrees { get; init; }
    public required IReadOnlyList<PredictedConflict> Conflicts { get; init; }

    /// <summary>Files each branch changed since it left its target (for holding tickets whose paths overlap).</summary>
    public IReadOnlyDictionary<string, IReadOnlySet<string>> Changed { get; init; } = new Dictionary<string, IReadOnlySet<string>>();

    /// <summary>A merge order that leaves the fewest branches to rework (<see cref="MergeOrder"/>).</summary>
    public IReadOnlyList<string> SuggestedOrder { get; init; } = [];
    public TimeSpan Elapsed { get; init; }
}
