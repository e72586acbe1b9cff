namespace Baton.Core.Usage;

/// <summary>One worker's accumulated usage, as the store keeps it (one row per spawn of the worker).</summary>
public sealed record UsageRow
{
    public required string Worker { get; init; }
    public required string Agent { get; init; }
    public long? Ticket { get; init; }
    public string? AgentVersion { get; init; }
    public string? Model { get; init; }
    public required TokenUsage Tokens { get; init; }
    public ContextFill? Context { get; init; }

    /// <summary>The last subscription windows this run's agent reported (Claude Code's status line), if any.</summary>
    public RateLimits? RateLimits { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? UpdatedAt { get; init; }
}
