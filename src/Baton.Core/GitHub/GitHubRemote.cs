using System.Text.RegularExpressions;

namespace Baton.Core.GitHub;

/// <summary>Reads <c>owner/name</c> (and the host) from a git remote URL in its https, ssh and scp-like forms.</summary>
public static partial class GitHubRemote
{
    // https://github.com/o/r(.git), https://user@host/o/r, ssh://git@host(:port)/o/r.git, git@host:o/r.git
    [GeneratedRegex(@"^(?:(?:https?|ssh|git)://(?:[^@/]+@)?(?<host>[^/:]+)(?::\d+)?/|(?:[^@/]+@)?(?<host>[^/:]+):)(?<owner>[A-Za-z0-9_.-]+)/(?<name>[A-Za-z0-9_.-]+?)(?:\.git)?/?$")]
    private static partial Regex UrlPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")]
    private static partial Regex RepositoryPattern();

    /// <summary>(host, owner/name), or null when the URL is no GitHub-shaped remote (a local path, say).</summary>
    public static (string Host, string Repository)? Parse(string url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var m = UrlPattern().Match(url.Trim());
        return m.Success ? (m.Groups["host"].Value, $"{m.Groups["owner"].Value}/{m.Groups["name"].Value}") : null;
    }

    public static bool IsRepository(string text) => RepositoryPattern().IsMatch(text ?? "");

    /// <summary>The REST API of a host: api.github.com for github.com, <c>https://HOST/api/v3</c> for GitHub Enterprise.</summary>
    public static string ApiUrlFor(string host) =>
        string.Equals(host, "github.com", StringComparison.OrdinalIgnoreCase) ? "https://api.github.com" : $"https://{host}/api/v3";
}
