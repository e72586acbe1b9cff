namespace Baton.Core.Agents;

/// <summary>
/// Which of Baton's own environment variables an agent gets (a profile's <c>pass_env</c>, plus
/// the proxy and certificate variables every agent needs). They go into the agent's tmux session
/// with `new-session -e`, so an agent started on a tmux server that was running before Baton (and
/// before the user exported ANTHROPIC_API_KEY, say) still gets them. Pure: names in, names out.
/// </summary>
public static class PassEnv
{
    /// <summary>Passed to every agent: network access through a proxy, and its certificates.</summary>
    public static readonly IReadOnlyList<string> Always =
    [
        "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "no_proxy", "all_proxy",
        "SSL_CERT_FILE", "SSL_CERT_DIR", "NODE_EXTRA_CA_CERTS", "REQUESTS_CA_BUNDLE",
    ];

    /// <summary>True when <paramref name="name"/> is one of <paramref name="patterns"/>: an exact name, or a prefix ending in <c>*</c>.</summary>
    public static bool Matches(string name, IEnumerable<string> patterns)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(patterns);
        foreach (var p in patterns)
        {
            if (p.EndsWith('*') ? name.StartsWith(p[..^1], StringComparison.Ordinal) : name == p)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The variables of <paramref name="environment"/> the profile passes (empty values are not).</summary>
    public static Dictionary<string, string> Select(AgentProfile profile, IEnumerable<KeyValuePair<string, string?>> environment)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(environment);
        var patterns = Always.Concat(profile.PassEnvironment).ToList();
        var passed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in environment)
        {
            // PATH and Baton's own variables are set by the spawner itself.
            if (value is { Length: > 0 } && key != "PATH" && !key.StartsWith("BATON_", StringComparison.Ordinal) && Matches(key, patterns))
            {
                passed[key] = value;
            }
        }

        return passed;
    }
}
