using Baton.Core.Events;

namespace Baton.Core.Usage;

/// <summary>What to add to a worker's usage in one transaction: tokens and cost, the latest context fill, and the events that go with them.</summary>
public sealed record UsageUpdate(TokenUsage Added, ContextFill? Context, IReadOnlyList<EventRecord> Events)
{
    public string? Model { get; init; }
    public string? AgentVersion { get; init; }
}
