namespace Baton.Core.Notify;

/// <summary>The text form of <see cref="NotificationPriority"/> as config files, the store and --json write it.</summary>
public static class NotificationPriorities
{
    public static string ToText(this NotificationPriority priority) => priority switch
    {
        NotificationPriority.Urgent => "urgent",
        NotificationPriority.Action => "action",
        _ => "info",
    };

    /// <summary>Null when <paramref name="text"/> names no priority.</summary>
    public static NotificationPriority? Parse(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "urgent" => NotificationPriority.Urgent,
        "action" => NotificationPriority.Action,
        "info" => NotificationPriority.Info,
        _ => null,
    };
}
