using System.Text.RegularExpressions;

namespace Baton.Core.Agents;

/// <summary>Versions as agents and tools print them ("2.1.330 (Claude Code)", "codex-cli 0.169.0", "git version 2.39.5"). Pure.</summary>
public static partial class AgentVersion
{
    [GeneratedRegex(@"\b(\d+\.\d+(?:\.\d+)?(?:-[0-9A-Za-z.]+)?)")]
    private static partial Regex Number();

    /// <summary>The first dotted version number in the text, or null.</summary>
    public static string? Parse(string? text) =>
        string.IsNullOrEmpty(text) || Number().Match(text) is not { Success: true } m ? null : m.Groups[1].Value;

    /// <summary>Compares the numeric parts (2.38 &lt; 2.39.5 &lt; 2.100); a pre-release suffix is ignored.</summary>
    public static int Compare(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var x = Parts(a);
        var y = Parts(b);
        for (var i = 0; i < Math.Max(x.Length, y.Length); i++)
        {
            var c = (i < x.Length ? x[i] : 0).CompareTo(i < y.Length ? y[i] : 0);
            if (c != 0)
            {
                return c;
            }
        }

        return 0;
    }

    public static bool IsKnownGood(AgentProfile profile, string? version)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return version is not null && profile.KnownGoodVersions.Contains(version, StringComparer.Ordinal);
    }

    private static long[] Parts(string v) =>
        v.Split('-', 2)[0].Split('.').Select(p => long.TryParse(p, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 0).ToArray();
}
