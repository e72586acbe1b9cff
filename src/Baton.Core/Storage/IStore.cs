using Baton.Core.Events;
using Baton.Core.Workers;

namespace Baton.Core.Storage;

/// <summary>Which events to read: the latest <see cref="Count"/> matching ones, after <see cref="AfterId"/> when set.</summary>
public sealed record EventQuery(int Count, string? Worker = null, string? Type = null, string? Ticket = null, DateTimeOffset? Since = null, long? AfterId = null);

/// <summary>
/// The store: state tables beside an append-only event log. Every write that changes state
/// appends its event in the same transaction.
/// </summary>
public interface IStore : IEventFeed
{
    Worker? GetWorker(string name);

    IReadOnlyList<Worker> ListWorkers(bool includeKilled);

    /// <summary>Records a new worker; refuses (BatonException) when a live worker already has the name.</summary>
    void AddWorker(Worker worker, EventRecord spawned);

    /// <summary>Saves the rows and appends their events in one transaction; returns how many applied (see <see cref="WorkerChange.Expected"/>).</summary>
    int UpdateWorkers(IReadOnlyList<WorkerChange> changes);

    void AppendEvent(EventRecord record);

    /// <summary>The latest events that match, oldest first.</summary>
    IReadOnlyList<EventRecord> RecentEvents(EventQuery query);

    /// <summary>A number that changes whenever another connection commits a change (SQLite's data_version): a cheap "did anything happen?".</summary>
    long ChangeCounter();

    /// <summary>
    /// A number that moves whenever any connection, this one included, commits a change: what a
    /// reader keys a cache on (an idle loop keeps its ticket list while nothing was written).
    /// </summary>
    long Version();

    /// <summary>Appends many events in one transaction (scripts, imports); returns how many.</summary>
    int AppendEvents(IEnumerable<EventRecord> records);
}
