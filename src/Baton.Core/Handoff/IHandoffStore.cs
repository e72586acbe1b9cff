using Baton.Core.Events;

namespace Baton.Core.Handoff;

/// <summary>Handoffs (table handoffs), each change written with its event in one transaction.</summary>
public interface IHandoffStore
{
    /// <summary>
    /// Records a new handoff; null when the ticket already has one underway that started after
    /// <paramref name="staleBefore"/> (an older one was left by a killed process and is failed).
    /// </summary>
    HandoffRow? Begin(HandoffRow row, DateTimeOffset staleBefore);

    /// <summary>Writes the row's new state with its events.</summary>
    void Update(HandoffRow row, IReadOnlyList<EventRecord> events);

    HandoffRow? Get(long id);

    /// <summary>Handoffs oldest first, of one ticket or all.</summary>
    IReadOnlyList<HandoffRow> List(long? ticket);

    /// <summary>Tickets with a handoff underway since <paramref name="since"/>: the autopilot leaves them alone meanwhile.</summary>
    IReadOnlySet<long> Underway(DateTimeOffset since);
}
