using System.Globalization;

namespace Baton.Core.Config;

/// <summary>
/// The one way Baton reads and writes a duration, for config.yaml and for command options such as
/// <c>--since</c>: a non-negative number (decimals allowed) with a unit, <c>ms</c>, <c>s</c>, <c>m</c>,
/// <c>h</c> or <c>d</c> (<c>250ms</c>, <c>10s</c>, <c>1.5m</c>, <c>2h</c>, <c>1d</c>). config.yaml also takes
/// a bare number as seconds, as it always has.
/// </summary>
public static class Durations
{
    /// <summary>The duration <paramref name="text"/> says, or null when it is not one.</summary>
    /// <param name="bareSeconds">Whether a number without a unit means seconds (config.yaml) or is refused (where a bare number could mean something else, as a date).</param>
    public static TimeSpan? Parse(string text, bool bareSeconds)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim();
        var (number, seconds) = t.EndsWith("ms", StringComparison.Ordinal) ? (t[..^2], 0.001)
            : t.EndsWith('s') ? (t[..^1], 1.0)
            : t.EndsWith('m') ? (t[..^1], 60.0)
            : t.EndsWith('h') ? (t[..^1], 3600.0)
            : t.EndsWith('d') ? (t[..^1], 86400.0)
            : bareSeconds ? (t, 1.0) : ("", 0);
        return number.Length > 0 && double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= 0 && !double.IsInfinity(n)
            ? TimeSpan.FromSeconds(n * seconds)
            : null;
    }

    /// <summary>The shortest exact text of a duration in the largest whole unit: <c>2h</c>, <c>10m</c>, <c>1.5s</c>, <c>250ms</c>.</summary>
    public static string Format(TimeSpan t) =>
        t.TotalHours >= 1 && t.TotalHours == Math.Floor(t.TotalHours) ? string.Create(CultureInfo.InvariantCulture, $"{t.TotalHours:0}h")
        : t.TotalMinutes >= 1 && t.TotalMinutes == Math.Floor(t.TotalMinutes) ? string.Create(CultureInfo.InvariantCulture, $"{t.TotalMinutes:0}m")
        : t.TotalSeconds >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:0.#}s")
        : string.Create(CultureInfo.InvariantCulture, $"{t.TotalMilliseconds:0}ms");
}
