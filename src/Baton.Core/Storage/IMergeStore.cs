using Baton.Core.Merge;

namespace Baton.Core.Storage;

/// <summary>Gate runs and the merge queue. A merge request that changes with its ticket goes in through <see cref="TicketMutation.MergeRequest"/>, in the ticket's transaction.</summary>
public interface IMergeStore
{
    /// <summary>Stores a new gate run (usually <c>running</c>) and returns it with its id.</summary>
    GateRun AddGateRun(GateRun run);

    void FinishGateRun(GateRun run);

    /// <summary>Marks gate runs still <c>running</c> (their loop was killed) as <c>abandoned</c>; returns how many.</summary>
    int AbandonRunningGateRuns(DateTimeOffset now);

    /// <summary>The latest gate runs, newest first; of one ticket when given.</summary>
    IReadOnlyList<GateRun> GateRuns(long? ticket, int limit);

    /// <summary>Merge requests in queue order (oldest first); only queued or merging ones when <paramref name="openOnly"/>.</summary>
    IReadOnlyList<MergeRequest> MergeRequests(bool openOnly);

    /// <summary>Stores a merge request without a ticket (a feature's overseer branch) or its new state, with its event, in one transaction.</summary>
    void SaveMergeRequest(MergeRequest request, Events.EventRecord recorded);
}
