namespace Baton.Core.Notify;

/// <summary>
/// Which notices go where: those of <see cref="MinPriority"/> or above (and, when given, only the
/// <see cref="Kinds"/> named) go to the first of <see cref="Channels"/>; one not acknowledged within
/// <see cref="EscalateAfter"/> (or whose delivery failed for good) goes to the next channel.
/// </summary>
public sealed record NotifyRule(string Name, NotificationPriority MinPriority, IReadOnlyList<string> Channels)
{
    public IReadOnlyList<string> Kinds { get; init; } = [];

    /// <summary>Null: never escalated for want of an acknowledgement.</summary>
    public TimeSpan? EscalateAfter { get; init; }

    public bool Matches(Notice notice) =>
        notice.Priority >= MinPriority && (Kinds.Count == 0 || Kinds.Contains(notice.Kind, StringComparer.Ordinal));
}
