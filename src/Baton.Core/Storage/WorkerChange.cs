using Baton.Core.Events;
using Baton.Core.Workers;

namespace Baton.Core.Storage;

/// <summary>
/// A worker's new row and the event that explains it. With <see cref="DecidedFrom"/> set, the
/// change applies only if the stored row is still the one it was decided from (same state, same
/// state time, same hook spool position): several processes (spawn, list, hooks, the headless
/// supervisor) decide about the same worker, and a decision made on a stale read must neither
/// overwrite a newer one nor take in the same hook records twice.
/// </summary>
public sealed record WorkerChange(Worker Worker, EventRecord? Event, Worker? DecidedFrom = null)
{
    /// <summary>Events recorded before <see cref="Event"/> in the same transaction (e.g. the hook calls that led to it).</summary>
    public IReadOnlyList<EventRecord> Before { get; init; } = [];

    /// <summary>Usage to add to the worker's usage row in the same transaction (a TUI agent's transcript, read as its hooks came in).</summary>
    public Usage.UsageUpdate? Usage { get; init; }
}
