namespace Baton.Core.Synthesis;

/// <summary>
/// The lists of a synthesis report (Markdown with the sections the synthesizer role asks for):
/// the items under "Conflicts", "Gaps" and "Follow-up tickets". A section that says "None." or
/// is missing has no items.
/// </summary>
public sealed record SynthesisSections(IReadOnlyList<string> Conflicts, IReadOnlyList<string> Gaps, IReadOnlyList<string> FollowUps)
{
    public static SynthesisSections Parse(string report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var lists = new Dictionary<string, List<string>>(StringComparer.Ordinal) { ["conflicts"] = [], ["gaps"] = [], ["follow"] = [] };
        List<string>? current = null;
        foreach (var raw in report.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith('#'))
            {
                var heading = line.TrimStart('#').Trim().ToLowerInvariant();
                current = lists.FirstOrDefault(kv => heading.StartsWith(kv.Key, StringComparison.Ordinal)).Value;
                continue;
            }

            if (current is not null && Item(line) is { Length: > 0 } item)
            {
                current.Add(item);
            }
        }

        return new SynthesisSections(lists["conflicts"], lists["gaps"], lists["follow"]);
    }

    private static string? Item(string line)
    {
        if (line.StartsWith("- ", StringComparison.Ordinal) || line.StartsWith("* ", StringComparison.Ordinal))
        {
            return line[2..].Trim();
        }

        var dot = line.IndexOf(". ", StringComparison.Ordinal);
        return dot is > 0 and < 4 && line[..dot].All(char.IsAsciiDigit) ? line[(dot + 2)..].Trim() : null;
    }
}
