namespace Baton.Core.Notify;

/// <summary>The events the notifier writes; they are never notices themselves.</summary>
public static class NotificationEvents
{
    public const string Queued = "notification_queued";
    public const string Sent = "notification_sent";
    public const string Failed = "notification_failed";
    public const string Escalated = "notification_escalated";
    public const string Acked = "notification_acked";
}
