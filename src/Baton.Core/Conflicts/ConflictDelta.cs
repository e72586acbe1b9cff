using Baton.Core.Events;

namespace Baton.Core.Conflicts;

/// <summary>What a scan changes in the store: new conflicts, active ones whose files changed, ones that went away, and the events saying so.</summary>
public sealed record ConflictDelta(
    IReadOnlyList<PredictedConflict> Added,
    IReadOnlyList<(StoredConflict Was, PredictedConflict Now)> Changed,
    IReadOnlyList<StoredConflict> Resolved,
    IReadOnlyList<EventRecord> Events)
{
    public bool IsEmpty => Added.Count == 0 && Changed.Count == 0 && Resolved.Count == 0;
}
