namespace Baton.Core.Merge;

/// <summary>The text of each <see cref="MergeRequestStatus"/>, as the store and <c>--json</c> hold it.</summary>
public static class MergeRequestStatuses
{
    public static string ToText(this MergeRequestStatus status) => status switch
    {
        MergeRequestStatus.Queued => "queued",
        MergeRequestStatus.Merging => "merging",
        MergeRequestStatus.Merged => "merged",
        MergeRequestStatus.Conflict => "conflict",
        MergeRequestStatus.Failed => "failed",
        MergeRequestStatus.Cancelled => "cancelled",
        MergeRequestStatus.Superseded => "superseded",
        MergeRequestStatus.Open => "open",
        MergeRequestStatus.Approved => "approved",
        MergeRequestStatus.Closed => "closed",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>Reads a status as the store writes it.</summary>
    public static MergeRequestStatus FromStored(string text)
    {
        foreach (var status in Enum.GetValues<MergeRequestStatus>())
        {
            if (status.ToText() == text)
            {
                return status;
            }
        }

        throw new BatonException($"unknown merge request status '{text}' in the store");
    }
}
