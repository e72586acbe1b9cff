namespace Baton.Core.Handoff;

/// <summary>One handoff as the store keeps it: who to whom, why, how full, and where it stands.</summary>
public sealed record HandoffRow
{
    public long Id { get; init; }
    public string IdText => "H-" + Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
    /// <summary>The ticket handed over; null for the prophet's own handoff (it works on no ticket).</summary>
    public required long? Ticket { get; init; }
    public required string FromWorker { get; init; }
    public required string FromAgent { get; init; }
    public string? ToWorker { get; init; }
    public required string ToAgent { get; init; }
    public required string Reason { get; init; }

    /// <summary><c>command</c> (baton handoff), <c>threshold</c> (handoff.at), <c>force</c> (handoff.force) or <c>precompact</c> (the agent's CLI was about to compact).</summary>
    public required string Trigger { get; init; }

    /// <summary><c>asking</c> (waiting for the agent's section), <c>switching</c>, <c>done</c> or <c>failed</c>.</summary>
    public required string Status { get; init; }

    /// <summary><c>agent</c> or <c>record</c>: whose packet it was; null until the packet is made.</summary>
    public string? Source { get; init; }
    public double? ContextPercent { get; init; }
    public long? ContextTokens { get; init; }
    public string? WipRef { get; init; }
    public string? PacketPath { get; init; }
    public string? Error { get; init; }
    public required DateTimeOffset TriggeredAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>From the trigger to the successor's prompt typed.</summary>
    public long? LatencyMs { get; init; }

    public bool IsUnderway => Status is "asking" or "switching";

    /// <summary>The metadata of the <c>handoff</c> event of a finished handoff (a ticket's or the prophet's).</summary>
    public Dictionary<string, string> DoneEventMetadata(string toAgent) => new()
    {
        ["handoff"] = IdText,
        ["from_worker"] = FromWorker,
        ["from_agent"] = FromAgent,
        ["to_worker"] = ToWorker ?? "",
        ["to_agent"] = toAgent,
        ["reason"] = Reason,
        ["trigger"] = Trigger,
        ["source"] = Source ?? "",
        ["fill"] = ContextPercent?.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) ?? "",
        ["latency_ms"] = LatencyMs?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
        ["packet"] = PacketPath ?? "",
        ["wip_ref"] = WipRef ?? "",
    };
}
