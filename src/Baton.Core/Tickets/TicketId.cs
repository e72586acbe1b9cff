using System.Globalization;

namespace Baton.Core.Tickets;

/// <summary>Tickets are numbered per repository and written <c>T-n</c>; <c>n</c> alone is accepted.</summary>
public static class TicketId
{
    public static string Format(long number) => "T-" + number.ToString(CultureInfo.InvariantCulture);

    public static long Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim();
        if (t.StartsWith("T-", StringComparison.OrdinalIgnoreCase))
        {
            t = t[2..];
        }

        if (long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0)
        {
            return n;
        }

        throw BatonException.Usage($"invalid ticket id '{text}': write T-12 or 12");
    }

    public static string Normalize(string text) => Format(Parse(text));
}
