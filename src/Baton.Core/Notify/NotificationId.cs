using System.Globalization;

namespace Baton.Core.Notify;

/// <summary>A delivery's id as people write it: <c>N-12</c> or <c>12</c>.</summary>
public static class NotificationId
{
    public static string Format(long id) => "N-" + id.ToString(CultureInfo.InvariantCulture);

    /// <summary>Null when <paramref name="text"/> is not a positive id.</summary>
    public static long? Parse(string? text)
    {
        var digits = text is not null && text.StartsWith("N-", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id : null;
    }
}
