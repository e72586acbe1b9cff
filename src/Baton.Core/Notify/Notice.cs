namespace Baton.Core.Notify;

/// <summary>
/// Something a person should hear of, read from one event: what it is about and how urgent.
/// <see cref="DedupKey"/> names the situation (a ticket and its state), so a situation that is
/// reported again while an earlier notice of it is still unacknowledged is not sent twice.
/// </summary>
public sealed record Notice(
    long EventId,
    DateTimeOffset Time,
    NotificationPriority Priority,
    string Kind,
    string Title,
    string Text,
    string DedupKey)
{
    public string? Ticket { get; init; }

    public string? Worker { get; init; }
}
