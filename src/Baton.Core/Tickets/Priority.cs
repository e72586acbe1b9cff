namespace Baton.Core.Tickets;

/// <summary>Dispatch order: lower value first.</summary>
public enum Priority
{
    Critical = 0,
    High = 1,
    Medium = 2,
    Low = 3,
}

public static class Priorities
{
    public static string ToText(this Priority p) => p switch
    {
        Priority.Critical => "critical",
        Priority.High => "high",
        Priority.Medium => "medium",
        Priority.Low => "low",
        _ => throw new ArgumentOutOfRangeException(nameof(p), p, null),
    };

    public static Priority Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Trim().ToLowerInvariant() switch
        {
            "critical" or "p0" => Priority.Critical,
            "high" or "p1" => Priority.High,
            "medium" or "normal" or "p2" => Priority.Medium,
            "low" or "p3" => Priority.Low,
            _ => throw BatonException.Usage($"unknown priority '{text}': use critical, high, medium or low"),
        };
    }
}
