using Baton.Core.Tickets;

namespace Baton.Core.GitHub;

/// <summary>
/// The ticket priority an issue's labels ask for: <c>priority: high</c>, <c>priority/high</c>,
/// <c>priority-high</c>, <c>p1</c>, <c>P1</c> and the like, in any case. Several such labels: the
/// most urgent wins (a label added to escalate is not outvoted by an old one). None: null, and the
/// ticket keeps the default.
/// </summary>
public static class IssuePriority
{
    public static Priority? Of(IEnumerable<string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        Priority? best = null;
        foreach (var label in labels)
        {
            if (Parse(label) is { } p && (best is null || p < best))
            {
                best = p;
            }
        }

        return best;
    }

    /// <summary>The priority one label names, or null when it names none.</summary>
    public static Priority? Parse(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        var text = label.Trim().ToLowerInvariant();
        var named = false;
        foreach (var prefix in new[] { "priority", "prio", "pri" })
        {
            if (text.StartsWith(prefix, StringComparison.Ordinal) && text.Length > prefix.Length && text[prefix.Length] is ':' or '/' or '-' or '_' or ' ' or '=')
            {
                text = text[(prefix.Length + 1)..].Trim(' ', ':', '-', '_', '/');
                named = true;
                break;
            }
        }

        // Bare words like "high" or "low" are too common as other labels (a "low" effort label);
        // only the p0..p3 shorthand counts without the prefix.
        return text switch
        {
            "p0" => Priority.Critical,
            "p1" => Priority.High,
            "p2" => Priority.Medium,
            "p3" => Priority.Low,
            "critical" or "urgent" or "highest" when named => Priority.Critical,
            "high" when named => Priority.High,
            "medium" or "normal" when named => Priority.Medium,
            "low" or "lowest" when named => Priority.Low,
            _ => null,
        };
    }
}
