using Baton.Core.Conflicts;

namespace Baton.Core.Storage;

/// <summary>Predicted conflicts between live branches.</summary>
public interface IConflictStore
{
    IReadOnlyList<StoredConflict> ActiveConflicts();

    /// <summary>
    /// Reads the active conflicts and applies what <paramref name="decide"/> makes of them, with
    /// its events, in one write transaction: two scans at once (the loop and `baton conflicts`)
    /// never record the same conflict twice.
    /// </summary>
    ConflictDelta Sync(DateTimeOffset now, Func<IReadOnlyList<StoredConflict>, ConflictDelta> decide);
}
