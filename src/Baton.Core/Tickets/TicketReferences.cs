using System.Text.RegularExpressions;

namespace Baton.Core.Tickets;

/// <summary>
/// Ticket ids a commit message names: <c>T-12</c> anywhere, or a trailer <c>Baton-Ticket: T-12</c>.
/// A closing word right before the id (<c>fixes T-12</c>, <c>closes: T-3</c>, <c>done T-4</c>)
/// says the commit finishes the ticket; a bare mention says work on it goes on.
/// </summary>
public static partial class TicketReferences
{
    public static IReadOnlyList<(long Number, bool Closes)> Parse(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var found = new Dictionary<long, bool>();
        foreach (Match m in Reference().Matches(message))
        {
            if (long.TryParse(m.Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0)
            {
                found[n] = found.GetValueOrDefault(n) || m.Groups["close"].Success;
            }
        }

        return found.Select(kv => (kv.Key, kv.Value)).OrderBy(r => r.Key).ToList();
    }

    [GeneratedRegex(@"(?:\b(?<close>fix(?:e[sd])?|close[sd]?|resolve[sd]?|done|complete[sd]?|finish(?:e[sd])?)\b\s*:?\s*)?(?<![\w-])T-(?<n>\d{1,9})\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Reference();
}
