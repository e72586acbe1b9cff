using System.Globalization;
using System.Text.RegularExpressions;

namespace Baton.Core.GitHub;

/// <summary>
/// The issues an issue's body says it waits for: "Depends on #12", "blocked by #12, #14 and #15",
/// "Depends on: #3". Only issues of the same repository (<c>#N</c>); a reference inside a code
/// span or block is an example, not a dependency, and is left out.
/// </summary>
public static partial class IssueDependencies
{
    [GeneratedRegex(@"\b(?:depends\s+on|blocked\s+by)\s*:?\s*(?<refs>#\d+(?:\s*(?:,|&|\band\b)\s*#\d+)*)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Phrase();

    [GeneratedRegex(@"#(?<n>\d+)")]
    private static partial Regex Reference();

    [GeneratedRegex(@"```.*?(```|$)|`[^`\n]*`", RegexOptions.Singleline)]
    private static partial Regex Code();

    /// <summary>Issue numbers in order of first mention, each once; never <paramref name="self"/>.</summary>
    public static IReadOnlyList<int> Parse(string body, int self = 0)
    {
        ArgumentNullException.ThrowIfNull(body);
        var result = new List<int>();
        foreach (Match m in Phrase().Matches(Code().Replace(body, " ")))
        {
            foreach (Match r in Reference().Matches(m.Groups["refs"].Value))
            {
                if (int.TryParse(r.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 && n != self && !result.Contains(n))
                {
                    result.Add(n);
                }
            }
        }

        return result;
    }
}
