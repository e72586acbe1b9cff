using System.Text;
using System.Text.RegularExpressions;

namespace Baton.Core.Conflicts;

/// <summary>
/// Path and branch patterns: <c>*</c> matches within one path segment, <c>**</c> across segments
/// (<c>src/**</c>, <c>**/*.cs</c>), <c>?</c> one character; a trailing '/' means everything under
/// it. By default a pattern without a wildcard also matches everything under it when it names a
/// folder (<c>docs</c> matches <c>docs/a.md</c>); role guards ask for exact names instead.
/// </summary>
public static class Glob
{
    public static bool Matches(string pattern, string path, bool plainNameCoversFolder = true) => ToRegex(pattern, plainNameCoversFolder).IsMatch(path);

    public static Regex ToRegex(string pattern, bool plainNameCoversFolder = true)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var p = pattern.Trim().TrimStart('/');
        if (p.EndsWith('/'))
        {
            p += "**";
        }

        var sb = new StringBuilder("^");
        for (var i = 0; i < p.Length; i++)
        {
            var c = p[i];
            if (c == '*' && i + 1 < p.Length && p[i + 1] == '*')
            {
                // "**/" also matches no folder at all: src/**/x.cs matches src/x.cs.
                var slash = i + 2 < p.Length && p[i + 2] == '/';
                sb.Append(slash ? "(?:.*/)?" : ".*");
                i += slash ? 2 : 1;
            }
            else
            {
                sb.Append(c switch
                {
                    '*' => "[^/]*",
                    '?' => "[^/]",
                    _ => Regex.Escape(c.ToString()),
                });
            }
        }

        if (plainNameCoversFolder && !p.Contains('*', StringComparison.Ordinal) && !p.Contains('?', StringComparison.Ordinal))
        {
            sb.Append("(?:/.*)?");
        }

        sb.Append('$');
        return new Regex(sb.ToString(), RegexOptions.CultureInvariant);
    }
}
