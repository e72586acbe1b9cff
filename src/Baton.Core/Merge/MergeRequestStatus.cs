namespace Baton.Core.Merge;

/// <summary>
/// Where a merge request stands. The local queue: queued, merging, then merged, conflict, failed,
/// cancelled (its ticket finished otherwise) or superseded (its branch moved). A pull request: open,
/// approved, then merged or closed. Stored and shown as <see cref="MergeRequestStatuses.ToText"/>.
/// </summary>
public enum MergeRequestStatus
{
    Queued,
    Merging,
    Merged,
    Conflict,
    Failed,
    Cancelled,
    Superseded,
    Open,
    Approved,
    Closed,
}
