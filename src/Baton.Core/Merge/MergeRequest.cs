namespace Baton.Core.Merge;

/// <summary>A branch waiting to enter its target: the local merge queue (kind <c>local</c>) or a pull request (kind <c>github</c>).</summary>
public sealed record MergeRequest
{
    public long Id { get; init; }
    public long? Ticket { get; init; }
    public required string Branch { get; init; }
    public required string Target { get; init; }
    public MergeRequestKind Kind { get; init; } = MergeRequestKind.Local;

    /// <summary>The pull request's number and address (kind <c>github</c>).</summary>
    public int? Number { get; init; }
    public string? Url { get; init; }

    /// <summary>Queued, merging, merged, conflict, failed, cancelled or superseded; a pull request is open, approved, merged or closed (never in the local queue).</summary>
    public required MergeRequestStatus Status { get; init; }

    /// <summary>Why it is in its status: the merge commit, the conflicting files, the failing gate.</summary>
    public string? Detail { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }

    public bool IsOpen => Status is MergeRequestStatus.Queued or MergeRequestStatus.Merging;
}
