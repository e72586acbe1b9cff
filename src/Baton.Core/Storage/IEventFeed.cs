using Baton.Core.Events;

namespace Baton.Core.Storage;

/// <summary>The event log read in order, for whatever follows it: live pages, notifications.</summary>
public interface IEventFeed
{
    /// <summary>
    /// The first <paramref name="limit"/> events with an id above <paramref name="afterId"/>, oldest
    /// first: a reader that follows the log (live pages, notifications) pages through every event
    /// without a gap, whereas <see cref="IStore.RecentEvents"/> with <see cref="EventQuery.AfterId"/> returns
    /// the latest ones and skips the middle when more than its count arrived.
    /// </summary>
    IReadOnlyList<EventRecord> EventsAfter(long afterId, int limit);

    /// <summary>The id of the newest event, 0 for an empty log.</summary>
    long LastEventId();
}
