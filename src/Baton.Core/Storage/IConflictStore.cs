using Baton.Core.Conflicts;
using Baton.Core.Events;

namespace Baton.Core.Storage;

/// <summary>Conflicts between branches: the radar's predictions and the ones logged by hand.</summary>
public interface IConflictStore
{
    /// <summary>Every active conflict, predicted and logged by hand.</summary>
    IReadOnlyList<StoredConflict> ActiveConflicts();

    /// <summary>
    /// Reads the active predicted conflicts and applies what <paramref name="decide"/> makes of
    /// them, with its events, in one write transaction: two scans at once (the loop and `baton
    /// conflicts`) never record the same conflict twice. Conflicts logged by hand are not shown to
    /// <paramref name="decide"/>: a scan never resolves them.
    /// </summary>
    ConflictDelta Sync(DateTimeOffset now, Func<IReadOnlyList<StoredConflict>, ConflictDelta> decide);

    /// <summary>One conflict, active or resolved; null when there is no such id.</summary>
    StoredConflict? GetConflict(long id);

    /// <summary>Records a conflict logged by hand (source manual) and its event in one transaction; returns it with its id.</summary>
    StoredConflict Log(StoredConflict conflict, Func<StoredConflict, EventRecord> logged);

    /// <summary>
    /// Resolves an active conflict with a note and its event in one transaction. Returns the
    /// resolved row, or null when it was not active (already resolved meanwhile: nothing written).
    /// </summary>
    StoredConflict? Resolve(long id, string? note, DateTimeOffset now, Func<StoredConflict, EventRecord> resolved);
}
