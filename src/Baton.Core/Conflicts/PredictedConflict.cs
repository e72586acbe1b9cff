namespace Baton.Core.Conflicts;

/// <summary>
/// A merge that would conflict: <c>critical</c> when <see cref="BranchB"/> is <see cref="BranchA"/>'s
/// target (the branch cannot land as it is), <c>warning</c> between two live branches (whichever
/// lands second will have to resolve it).
/// </summary>
public sealed record PredictedConflict(string BranchA, string BranchB, IReadOnlyList<string> Files, string Severity)
{
    public const string Warning = "warning";
    public const string Critical = "critical";

    public string Key => Pair(BranchA, BranchB);

    public static string Pair(string a, string b) => string.CompareOrdinal(a, b) <= 0 ? a + "\n" + b : b + "\n" + a;
}
