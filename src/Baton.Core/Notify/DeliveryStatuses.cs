namespace Baton.Core.Notify;

/// <summary>The text form of <see cref="DeliveryStatus"/> as the store, the CLI and --json write it.</summary>
public static class DeliveryStatuses
{
    public static string ToText(this DeliveryStatus status) => status switch
    {
        DeliveryStatus.Queued => "queued",
        DeliveryStatus.Sent => "sent",
        DeliveryStatus.Failed => "failed",
        DeliveryStatus.Acked => "acked",
        _ => "escalated",
    };

    /// <summary>Null when <paramref name="text"/> names no status.</summary>
    public static DeliveryStatus? Parse(string? text) => text switch
    {
        "queued" => DeliveryStatus.Queued,
        "sent" => DeliveryStatus.Sent,
        "failed" => DeliveryStatus.Failed,
        "acked" => DeliveryStatus.Acked,
        "escalated" => DeliveryStatus.Escalated,
        _ => null,
    };
}
