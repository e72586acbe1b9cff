using Baton.Core.Events;
using Baton.Core.Workers;

namespace Baton.Core.Storage;

/// <summary>
/// A worker's new row and the event that explains it. With <see cref="Expected"/> set, the change
/// applies only if the stored state still is that one: several processes (spawn, list, hooks,
/// the headless supervisor) decide about the same worker, and a decision made on a stale read
/// must not overwrite a newer one.
/// </summary>
public sealed record WorkerChange(Worker Worker, EventRecord? Event, WorkerState? Expected = null)
{
    /// <summary>Events recorded before <see cref="Event"/> in the same transaction (e.g. the hook calls that led to it).</summary>
    public IReadOnlyList<EventRecord> Before { get; init; } = [];
}
