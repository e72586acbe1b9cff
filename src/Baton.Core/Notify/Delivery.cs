namespace Baton.Core.Notify;

/// <summary>One notice on its way through one channel of one rule; a row of the store's outbox.</summary>
public sealed record Delivery(
    long Id,
    string Rule,
    string Channel,
    int Step,
    Notice Notice,
    DeliveryStatus Status,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset NextAttemptAt)
{
    public string? LastError { get; init; }

    public DateTimeOffset? SentAt { get; init; }

    public DateTimeOffset? AckedAt { get; init; }

    public string? AckedBy { get; init; }

    /// <summary>True for a delivery a person asked for (`baton notify test`): never escalated or deduplicated.</summary>
    public bool Test { get; init; }
}
