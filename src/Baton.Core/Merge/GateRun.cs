namespace Baton.Core.Merge;

/// <summary>One run of the gate's commands on a branch: in the worker's worktree, or on a merge result.</summary>
public sealed record GateRun
{
    public long Id { get; init; }
    public long? Ticket { get; init; }
    public string? Worker { get; init; }
    public string? Branch { get; init; }

    /// <summary><c>worktree</c>: the agent's committed branch. (A gate the merge queue runs on a merge result is reported in its merge request.)</summary>
    public required string Kind { get; init; }

    /// <summary><c>running</c>, <c>passed</c> or <c>failed</c>.</summary>
    public required string Status { get; init; }
    public int? Passed { get; init; }
    public int? Failed { get; init; }
    public int? Skipped { get; init; }

    /// <summary>The end of the commands' output (redacted), enough to tell what failed.</summary>
    public string Output { get; init; } = "";
    public required DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
}
