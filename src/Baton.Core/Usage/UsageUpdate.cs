using Baton.Core.Events;

namespace Baton.Core.Usage;

/// <summary>What to add to a worker's usage in one transaction: tokens and cost, the latest context fill, and the events that go with them.</summary>
public sealed record UsageUpdate(TokenUsage Added, ContextFill? Context, IReadOnlyList<EventRecord> Events)
{
    public string? Model { get; init; }
    public string? AgentVersion { get; init; }

    /// <summary>The session's cost so far as the agent reports it (Claude Code's status line): a total, so the stored cost is raised to it, never added to.</summary>
    public decimal? SessionCostUsd { get; init; }

    /// <summary>The subscription windows the agent reported with this update, kept on the run's row (<see cref="IRateLimitReadings"/>).</summary>
    public RateLimits? RateLimits { get; init; }
}
