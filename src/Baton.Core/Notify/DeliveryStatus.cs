namespace Baton.Core.Notify;

/// <summary>Where one delivery stands. Text forms are stored: queued, sent, failed, acked, superseded.</summary>
public enum DeliveryStatus
{
    /// <summary>Waiting for its (next) attempt.</summary>
    Queued,

    /// <summary>The channel took it; it waits for an acknowledgement (or needs none).</summary>
    Sent,

    /// <summary>Every attempt failed.</summary>
    Failed,

    /// <summary>A person acknowledged it (from the page or `baton notify ack`).</summary>
    Acked,

    /// <summary>Escalated: the next channel's delivery carries it on.</summary>
    Escalated,
}
