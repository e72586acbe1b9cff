using System.Globalization;

namespace Baton.Core.Sandbox;

/// <summary>
/// The hosts a sandbox may reach through Baton's proxy (<c>allow_hosts</c>): <c>example.com</c>
/// (that host), <c>*.example.com</c> (its subdomains, not itself), each with an optional
/// <c>:PORT</c> (else any port). Names compare case-insensitively, a trailing dot ignored; an
/// address (<c>10.0.0.5</c>, <c>[::1]</c>) matches only itself, never a name that resolves to it.
/// </summary>
public sealed class HostAllowList
{
    private readonly List<(string Host, bool Subdomains, int? Port)> _rules = [];

    public HostAllowList(IEnumerable<string> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var entry in entries)
        {
            var (host, port) = Parse(entry) ?? throw BatonException.Usage($"sandbox: allow_hosts entry '{entry}' is not a host, *.domain or host:port");
            var subdomains = host.StartsWith("*.", StringComparison.Ordinal);
            _rules.Add((subdomains ? host[2..] : host, subdomains, port));
        }
    }

    public bool IsEmpty => _rules.Count == 0;

    public bool Allows(string host, int port)
    {
        ArgumentNullException.ThrowIfNull(host);
        var name = Normal(host);
        return _rules.Any(r => (r.Port is null || r.Port == port)
            && (r.Subdomains ? name.EndsWith("." + r.Host, StringComparison.Ordinal) : name == r.Host));
    }

    /// <summary>An entry as (host, port): lower case, brackets and trailing dot gone; null when it is not one.</summary>
    public static (string Host, int? Port)? Parse(string entry)
    {
        if (string.IsNullOrWhiteSpace(entry) || entry.Contains('/', StringComparison.Ordinal) || entry.Any(char.IsWhiteSpace))
        {
            return null;
        }

        string host;
        string? port = null;
        if (entry.StartsWith('['))
        {
            var close = entry.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                return null;
            }

            host = entry[1..close];
            var rest = entry[(close + 1)..];
            if (rest.Length > 0)
            {
                if (!rest.StartsWith(':'))
                {
                    return null;
                }

                port = rest[1..];
            }
        }
        else
        {
            var colon = entry.LastIndexOf(':');
            if (colon >= 0 && entry.IndexOf(':', StringComparison.Ordinal) != colon)
            {
                host = entry; // a bare IPv6 address: no port can be told apart
            }
            else
            {
                host = colon >= 0 ? entry[..colon] : entry;
                port = colon >= 0 ? entry[(colon + 1)..] : null;
            }
        }

        int? number = null;
        if (port is not null)
        {
            if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p is < 1 or > 65535)
            {
                return null;
            }

            number = p;
        }

        host = Normal(host);
        var bare = host.StartsWith("*.", StringComparison.Ordinal) ? host[2..] : host;
        if (bare.Length == 0 || bare.Contains('*', StringComparison.Ordinal) || bare.Split('.').Any(l => l.Length == 0))
        {
            return null;
        }

        return (host, number);
    }

    /// <summary>True for the loopback names and addresses (what a sandbox reaches through a forwarded port, not the proxy).</summary>
    public static bool IsLoopback(string host)
    {
        var name = Normal(host);
        return name is "localhost" or "::1" || name.StartsWith("127.", StringComparison.Ordinal);
    }

    private static string Normal(string host) => host.Trim('[', ']').TrimEnd('.').ToLowerInvariant();
}
