namespace Baton.Core.Conflicts;

/// <summary>A predicted conflict as the store keeps it, while it is active.</summary>
public sealed record StoredConflict(long Id, string BranchA, string BranchB, IReadOnlyList<string> Files, string Severity, DateTimeOffset DetectedAt)
{
    public string Key => PredictedConflict.Pair(BranchA, BranchB);
}
