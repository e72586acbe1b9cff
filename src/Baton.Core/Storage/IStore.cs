using Baton.Core.Events;
using Baton.Core.Workers;

namespace Baton.Core.Storage;

/// <summary>
/// The store: state tables beside an append-only event log. Every write that changes state
/// appends its event in the same transaction.
/// </summary>
public interface IStore
{
    Worker? GetWorker(string name);

    IReadOnlyList<Worker> ListWorkers(bool includeKilled);

    /// <summary>Records a new worker; refuses (BatonException) when a live worker already has the name.</summary>
    void AddWorker(Worker worker, EventRecord spawned);

    /// <summary>Saves the rows and appends their events in one transaction; returns how many applied (see <see cref="WorkerChange.Expected"/>).</summary>
    int UpdateWorkers(IReadOnlyList<WorkerChange> changes);

    void AppendEvent(EventRecord record);

    IReadOnlyList<EventRecord> RecentEvents(int count, string? worker = null, string? type = null);
}
