using Baton.Core.Tickets;

namespace Baton.Cli.Rendering;

public sealed record TicketJson(
    string Id,
    long Number,
    string Title,
    string Body,
    string Status,
    string Priority,
    IReadOnlyList<string> Labels,
    string? Feature,
    IReadOnlyList<string> DependsOn,
    IReadOnlyList<string> Dependents,
    bool Ready,
    IReadOnlyList<string> BlockedBy,
    string? Assignee,
    string? WorkerWanted,
    string? RoleWanted,
    string? AgentWanted,
    int Attempts,
    int? TimeLimitMinutes,
    string Source,
    string? Branch,
    string? Worktree,
    string? Summary,
    IReadOnlyList<string> Artifacts,
    string? Note,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string? Target,
    int GateFailures,
    IReadOnlyList<string> Paths,
    string? StackedOn)
{
    /// <summary>Why it is or was blocked (the blockers table), oldest first.</summary>
    public IReadOnlyList<BlockerJson> Blockers { get; init; } = [];

    public static TicketJson From(TicketView v)
    {
        ArgumentNullException.ThrowIfNull(v);
        var t = v.Ticket;
        return new TicketJson(t.Id, t.Number, t.Title, t.Body, t.Status.ToText(), t.Priority.ToText(), t.Labels, t.Feature,
            t.DependsOn.Select(TicketId.Format).ToList(), v.Dependents.Select(TicketId.Format).ToList(), v.Ready,
            v.BlockedBy.Select(TicketId.Format).ToList(), t.Assignee, t.WorkerWanted, t.RoleWanted, t.AgentWanted, t.Attempts,
            t.TimeLimitMinutes, t.Source, t.Branch, t.Worktree, t.Summary, t.Artifacts, t.Note, t.CreatedAt, t.UpdatedAt,
            t.StartedAt, t.FinishedAt, t.Target, t.GateFailures, t.Paths, t.StackedOn is { } s ? TicketId.Format(s) : null);
    }
}

public sealed record AssignJson(TicketJson Ticket, bool Verified, string Detail);

public sealed record FeatureJson(string Name, string Title, string Description, DateTimeOffset CreatedAt);

public sealed record FeatureStatusJson(string Feature, string Title, int Tickets, int Done, int Active, int Waiting, int Blocked, int Failed, int Cancelled);

public sealed record StatusJson(
    IReadOnlyList<FeatureStatusJson> Features,
    IReadOnlyDictionary<string, int> Tickets,
    IReadOnlyList<string> Ready,
    IReadOnlyList<WorkerJson> Workers,
    IReadOnlyList<string> Blockers,
    IReadOnlyList<string> Conflicts,
    AutopilotStatusJson? Autopilot = null)
{
    /// <summary>Budgets past their soft or hard limit, as lines (`baton budget` has the figures).</summary>
    public IReadOnlyList<string> Budgets { get; init; } = [];

    /// <summary>What holds new launches back (budgets, subscription windows, rates, usage limits) and why.</summary>
    public IReadOnlyList<string> Held { get; init; } = [];

    /// <summary>Disk used by the repository's worktrees (the main checkout aside).</summary>
    public WorktreeDiskJson? Disk { get; init; }

    /// <summary>The fleet as `baton nodes --json` lists it; left out when no node ever registered, so a single-machine status is unchanged.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<NodeJson>? Nodes { get; init; }
}

/// <summary>Whether `baton up` runs on this repository: its pid, since when, and its tmux session when detached.</summary>
public sealed record AutopilotStatusJson(bool Running, int? Pid, DateTimeOffset? Since, string? Session);

public sealed record InboxJson(IReadOnlyList<string> Imported, IReadOnlyList<string> Rejected);

public sealed record BlockerJson(long Id, string Kind, string Description, string Status, DateTimeOffset CreatedAt, DateTimeOffset? ResolvedAt)
{
    public static BlockerJson From(Blocker b)
    {
        ArgumentNullException.ThrowIfNull(b);
        return new(b.Id, b.Kind, b.Description, b.Status, b.CreatedAt, b.ResolvedAt);
    }
}
