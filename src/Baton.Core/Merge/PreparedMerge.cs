namespace Baton.Core.Merge;

/// <summary>
/// A merge worked out ahead of its landing (<see cref="MergeJob.PrepareAsync"/>): the target commit it
/// was made on, and either the commit to fast-forward the target to (the gate passed on exactly that
/// commit, or none was needed by the rule in <see cref="MergeJob.RunAsync"/>) or the conclusion
/// reached (a conflict, a failed gate, the branch already in). It holds only while the target is
/// still at <see cref="Onto"/>.
/// </summary>
public sealed record PreparedMerge(string Onto, string? Commit, MergeOutcome? Conclusion);
