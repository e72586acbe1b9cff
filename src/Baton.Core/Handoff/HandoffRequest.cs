namespace Baton.Core.Handoff;

/// <summary>A handoff to make: whose, to whom (null: the role's handoff_to), why, and whether to ask the agent for its section first.</summary>
public sealed record HandoffRequest
{
    public required string Worker { get; init; }
    public string? To { get; init; }
    public string? Reason { get; init; }

    /// <summary>Skip asking: the packet is Baton's record alone (the forced path).</summary>
    public bool Now { get; init; }

    /// <summary><c>command</c>, <c>threshold</c>, <c>force</c> or <c>precompact</c>.</summary>
    public string Trigger { get; init; } = "command";

    /// <summary>When the handoff was decided (the threshold crossed, the command given): latency counts from here. Null: now.</summary>
    public DateTimeOffset? TriggeredAt { get; init; }
}
