using Baton.Core.Events;

namespace Baton.Core.Notify;

/// <summary>
/// The outbox of notifications: deliveries queued in the store, so a crash loses none and a
/// restarted loop carries on; every change is written with its event in one transaction.
/// </summary>
public interface INotificationStore
{
    /// <summary>
    /// The id of the last event already turned into deliveries. A store that never had one starts
    /// at its latest event: turning notifications on does not replay the whole history.
    /// </summary>
    long Cursor();

    /// <summary>
    /// Adds <paramref name="drafts"/> (ids ignored) and moves the cursor to <paramref name="cursor"/>
    /// in one transaction. A draft whose rule already has an unacknowledged delivery of the same
    /// notice key is skipped (one notice per situation). Returns the deliveries added.
    /// </summary>
    IReadOnlyList<Delivery> Ingest(IReadOnlyList<Delivery> drafts, long cursor);

    /// <summary>Adds one delivery (an escalation's next step, a test) with its event (made from the numbered delivery); returns it.</summary>
    Delivery Add(Delivery draft, Func<Delivery, EventRecord> added);

    /// <summary>Saves a delivery's new state with the event that says why.</summary>
    void Update(Delivery next, EventRecord happened);

    Delivery? Get(long id);

    /// <summary>Queued deliveries whose next attempt is due, oldest first.</summary>
    IReadOnlyList<Delivery> Due(DateTimeOffset now, int limit);

    /// <summary>Deliveries in <paramref name="status"/> (all when null), newest first.</summary>
    IReadOnlyList<Delivery> List(DeliveryStatus? status, int limit);
}
