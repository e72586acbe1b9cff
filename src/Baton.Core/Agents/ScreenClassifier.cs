using Baton.Core.Workers;

namespace Baton.Core.Agents;

/// <summary>What a screen says about an agent, with the line that said it.</summary>
public sealed record ScreenVerdict(WorkerState? State, string Evidence, string? StartupRule = null);

/// <summary>Reads an agent's screen with its profile's patterns. Pure: text in, verdict out.</summary>
public static class ScreenClassifier
{
    public static IReadOnlyList<string> Region(ScreenRules rules, string screen)
    {
        ArgumentNullException.ThrowIfNull(rules);
        var lines = (screen ?? "").Replace("\r", "", StringComparison.Ordinal).Split('\n');
        var end = lines.Length;
        if (rules.RegionAnchor is not null)
        {
            for (var i = lines.Length - 1; i >= 0; i--)
            {
                if (rules.RegionAnchor.IsMatch(lines[i]))
                {
                    end = Math.Min(lines.Length, i + rules.RegionBelowAnchor + 1);
                    break;
                }
            }
        }

        var region = new List<string>();
        for (var i = end - 1; i >= 0 && region.Count < rules.RegionLines; i--)
        {
            if (!string.IsNullOrWhiteSpace(lines[i]))
            {
                region.Add(lines[i].TrimEnd());
            }
        }

        region.Reverse();
        return region;
    }

    /// <summary>
    /// Start-up dialogs first (they hide everything else), then waiting, busy and ready. Waiting
    /// outranks busy because a permission dialog can sit above a footer that still says busy.
    /// </summary>
    public static ScreenVerdict Classify(AgentProfile profile, string screen)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var whole = screen ?? "";
        foreach (var rule in profile.Startup)
        {
            var m = rule.Match.Match(whole);
            if (m.Success)
            {
                return new ScreenVerdict(WorkerState.Starting, $"screen: start-up dialog '{rule.Name}' ({Shorten(m.Value)})", rule.Name);
            }
        }

        var rules = profile.Screen;
        var region = Region(rules, whole);
        var found = Find(region, rules.Waiting);
        if (found is not null)
        {
            return new ScreenVerdict(WorkerState.Waiting, $"screen: waiting pattern matched \"{Shorten(found)}\"");
        }

        found = Find(region, rules.Busy);
        if (found is not null)
        {
            return new ScreenVerdict(WorkerState.Busy, $"screen: busy pattern matched \"{Shorten(found)}\"");
        }

        found = Find(region, rules.Ready);
        if (found is not null)
        {
            return new ScreenVerdict(WorkerState.Idle, $"screen: ready pattern matched \"{Shorten(found)}\"");
        }

        return new ScreenVerdict(null, "screen: no pattern matched");
    }

    /// <summary>The text typed in the input line, or null when no input line is visible.</summary>
    public static string? InputText(ScreenRules rules, string screen)
    {
        ArgumentNullException.ThrowIfNull(rules);
        if (rules.InputLine is null)
        {
            return null;
        }

        var region = Region(rules, screen);
        for (var i = region.Count - 1; i >= 0; i--)
        {
            var m = rules.InputLine.Match(region[i]);
            if (m.Success)
            {
                return m.Groups.Count > 1 ? m.Groups[1].Value.Trim() : "";
            }
        }

        return null;
    }

    private static string? Find(IReadOnlyList<string> region, System.Text.RegularExpressions.Regex? pattern)
    {
        if (pattern is null)
        {
            return null;
        }

        foreach (var line in region)
        {
            if (pattern.IsMatch(line))
            {
                return line;
            }
        }

        return null;
    }

    private static string Shorten(string text)
    {
        var t = text.Trim();
        return t.Length <= 80 ? t : t[..77] + "...";
    }
}
