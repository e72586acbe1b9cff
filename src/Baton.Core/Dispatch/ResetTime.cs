using System.Globalization;
using System.Text.RegularExpressions;

namespace Baton.Core.Dispatch;

/// <summary>
/// When an agent's usage limit resets, from the text it shows ("resets at 3pm", "resets 15:30",
/// "try again in 42 minutes", an ISO time). Clock times are in the machine's local zone and mean
/// their next occurrence. Pure: the clock and zone are passed in.
/// </summary>
public static partial class ResetTime
{
    [GeneratedRegex(@"in\s+(\d+(?:\.\d+)?)\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hrs?|hours?)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Relative();

    [GeneratedRegex(@"\b(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))")]
    private static partial Regex Iso();

    [GeneratedRegex(@"\b(\d{1,2})(?::(\d{2}))?\s*(am|pm)?\b", RegexOptions.IgnoreCase)]
    private static partial Regex Clock();

    public static DateTimeOffset? Parse(string text, DateTimeOffset now, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(zone);
        if (Relative().Match(text) is { Success: true } rel)
        {
            var n = double.Parse(rel.Groups[1].Value, CultureInfo.InvariantCulture);
            var unit = char.ToLowerInvariant(rel.Groups[2].Value[0]);
            return now + (unit == 's' ? TimeSpan.FromSeconds(n) : unit == 'm' ? TimeSpan.FromMinutes(n) : TimeSpan.FromHours(n));
        }

        if (Iso().Match(text) is { Success: true } iso
            && DateTimeOffset.TryParse(iso.Groups[1].Value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var at))
        {
            return at;
        }

        foreach (Match m in Clock().Matches(text))
        {
            var hour = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            var minute = m.Groups[2].Success ? int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture) : 0;
            var half = m.Groups[3].Success ? m.Groups[3].Value.ToLowerInvariant() : null;
            if (half is null && !m.Groups[2].Success)
            {
                continue; // a bare number ("5-hour limit") is not a time
            }

            if (half is not null)
            {
                if (hour is < 1 or > 12)
                {
                    continue;
                }

                hour = hour % 12 + (half == "pm" ? 12 : 0);
            }

            if (hour > 23 || minute > 59)
            {
                continue;
            }

            var local = TimeZoneInfo.ConvertTime(now, zone);
            var candidate = new DateTimeOffset(local.Year, local.Month, local.Day, hour, minute, 0, local.Offset);
            return candidate > now ? candidate : candidate.AddDays(1);
        }

        return null;
    }
}
