namespace Baton.Core.Handoff;

/// <summary>
/// Everything a successor is given about a ticket's work besides the ticket itself: who handed it
/// over and why, how full the leaving agent's context was, the agent's own section when it wrote
/// a valid one, and Baton's record, which is always there.
/// </summary>
public sealed record HandoffPacket
{
    public const int Version = 1;

    public int SchemaVersion { get; init; } = Version;
    public required string Ticket { get; init; }
    public required string Title { get; init; }
    public required string FromWorker { get; init; }
    public required string FromAgent { get; init; }
    public required string ToAgent { get; init; }
    public required string Reason { get; init; }

    /// <summary>The leaving agent's context fill, percent of its effective window, when known.</summary>
    public double? ContextPercent { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary><c>agent</c>: the leaving agent wrote a valid section; <c>record</c>: Baton's record alone (the forced path).</summary>
    public required string Source { get; init; }
    public HandoffSection? Section { get; init; }

    /// <summary>Why an agent's section was not used (missing, or what the schema refused).</summary>
    public IReadOnlyList<string> SectionErrors { get; init; } = [];
    public required HandoffRecord Record { get; init; }
}
