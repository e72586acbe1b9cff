namespace Baton.Core.Handoff;

/// <summary>
/// What Baton itself knows about a ticket's work, needing nothing from the agent: the commits
/// and the diff since the ticket began, the files touched, gate results, the agent's last
/// messages and the questions it left open.
/// </summary>
public sealed record HandoffRecord
{
    public string? Branch { get; init; }
    public string? Target { get; init; }
    public IReadOnlyList<HandoffCommit> Commits { get; init; } = [];
    public IReadOnlyList<DiffStatLine> DiffStat { get; init; } = [];
    public IReadOnlyList<string> FilesTouched { get; init; } = [];
    public IReadOnlyList<string> Uncommitted { get; init; } = [];
    public IReadOnlyList<HandoffGate> Gates { get; init; } = [];
    public IReadOnlyList<string> LastMessages { get; init; } = [];
    public IReadOnlyList<string> OpenQuestions { get; init; } = [];

    /// <summary>The refs/baton/wip/... snapshot of the uncommitted work taken at the switch, if there was any.</summary>
    public string? WipRef { get; init; }
}

/// <summary>One commit on the ticket's branch since it left its target.</summary>
public sealed record HandoffCommit(string Sha, string Subject, IReadOnlyList<string> Files);

/// <summary>A file's added and deleted lines against the target (working tree included); null for binary files.</summary>
public sealed record DiffStatLine(string Path, int? Added, int? Deleted);

/// <summary>One gate run on the ticket.</summary>
public sealed record HandoffGate(string Status, int? Passed, int? Failed, DateTimeOffset StartedAt, string Output);
