namespace Baton.Core.Events;

/// <summary>One append-only record of something that happened.</summary>
public sealed record EventRecord
{
    public long Id { get; init; }
    public required DateTimeOffset Time { get; init; }
    public required string Type { get; init; }
    public string? Worker { get; init; }
    public string? Ticket { get; init; }
    public string? Feature { get; init; }
    public string? Role { get; init; }
    public string Message { get; init; } = "";
    public string? Commit { get; init; }

    /// <summary>Flat string metadata, stored as a JSON object.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}
