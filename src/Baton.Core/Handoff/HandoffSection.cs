namespace Baton.Core.Handoff;

/// <summary>
/// The part of a handoff packet the leaving agent writes about its own work (validated against
/// <see cref="HandoffSchema"/>): what a successor cannot read from git and Baton's record.
/// </summary>
public sealed record HandoffSection
{
    public required string Goal { get; init; }
    public required string ProgressSummary { get; init; }
    public IReadOnlyList<string> CompletedWork { get; init; } = [];
    public string? CurrentWork { get; init; }
    public IReadOnlyList<string> Decisions { get; init; } = [];
    public IReadOnlyList<string> RejectedApproaches { get; init; } = [];
    public IReadOnlyList<string> RelevantFiles { get; init; } = [];
    public IReadOnlyList<HandoffTestResult> Tests { get; init; } = [];
    public IReadOnlyList<string> Blockers { get; init; } = [];
    public required IReadOnlyList<string> NextSteps { get; init; }
}

/// <summary>A test command or suite the agent ran, and what came of it.</summary>
public sealed record HandoffTestResult(string Name, string Result);
