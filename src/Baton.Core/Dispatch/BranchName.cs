using System.Text;
using Baton.Core.Tickets;

namespace Baton.Core.Dispatch;

/// <summary>Branch names of dispatched tickets, from the configured pattern.</summary>
public static class BranchName
{
    /// <summary>Fills {ticket}, {slug} and {time} (UTC yyyyMMddHHmmss) in <paramref name="pattern"/>.</summary>
    public static string For(string pattern, Ticket ticket, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(ticket);
        return pattern
            .Replace("{ticket}", ticket.Id, StringComparison.Ordinal)
            .Replace("{slug}", Slug(ticket.Title), StringComparison.Ordinal)
            .Replace("{time}", now.UtcDateTime.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    /// <summary>Lowercase ASCII words joined by '-', at most 40 characters, never empty: safe in any ref name and folder.</summary>
    public static string Slug(string title)
    {
        ArgumentNullException.ThrowIfNull(title);
        var sb = new StringBuilder();
        foreach (var c in title.Normalize(NormalizationForm.FormD).ToLowerInvariant())
        {
            if (c is >= 'a' and <= 'z' or >= '0' and <= '9')
            {
                sb.Append(c);
            }
            else if (sb.Length > 0 && sb[^1] != '-' && System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.NonSpacingMark)
            {
                sb.Append('-');
            }

            if (sb.Length >= 40)
            {
                break;
            }
        }

        var slug = sb.ToString().Trim('-');
        return slug.Length == 0 ? "work" : slug;
    }
}
