using System.Globalization;
using System.Text;

namespace Baton.Core.Sandbox;

/// <summary>
/// The head of one request to Baton's sandbox proxy: <c>CONNECT host:port</c> (a tunnel, HTTPS) or a
/// plain-HTTP request in absolute form (<c>GET http://host/path</c>). <see cref="Forwarded"/> is the
/// head the origin server gets: origin form, no <c>Proxy-*</c> headers (a proxy password must not
/// travel on), and <c>Connection: close</c>, so each further request opens a new connection and
/// is checked again.
/// </summary>
public sealed record ProxyRequestHead(string Method, string Host, int Port, bool Tunnel, string Forwarded)
{
    /// <summary>Heads longer than this are refused (a proxy never buffers without bound).</summary>
    public const int MaxLength = 32 * 1024;

    /// <summary>The parsed head, or null with <paramref name="problem"/> saying why (sent back as 400).</summary>
    public static ProxyRequestHead? Parse(string head, out string problem)
    {
        ArgumentNullException.ThrowIfNull(head);
        problem = "";
        var lines = head.Split("\r\n");
        var first = lines[0].Split(' ');
        if (first.Length != 3 || !first[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            problem = "not an HTTP/1 request line";
            return null;
        }

        var (method, target, version) = (first[0], first[1], first[2]);
        if (method == "CONNECT")
        {
            var parsed = HostAllowList.Parse(target);
            if (parsed is not { Port: { } port } p || p.Host.StartsWith("*.", StringComparison.Ordinal))
            {
                problem = "CONNECT needs host:port";
                return null;
            }

            return new ProxyRequestHead(method, p.Host, port, true, "");
        }

        if (!target.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            // https:// in absolute form would ask the proxy to speak TLS for the client: clients use CONNECT.
            problem = "a proxy request needs an absolute http:// URL (HTTPS goes through CONNECT)";
            return null;
        }

        var rest = target[7..];
        var slash = rest.IndexOfAny(['/', '?']);
        var authority = slash < 0 ? rest : rest[..slash];
        var path = slash < 0 ? "/" : rest[slash] == '?' ? "/" + rest[slash..] : rest[slash..];
        if (authority.Contains('@', StringComparison.Ordinal))
        {
            authority = authority[(authority.LastIndexOf('@') + 1)..];
        }

        var at = HostAllowList.Parse(authority);
        if (at is not { } a || a.Host.StartsWith("*.", StringComparison.Ordinal))
        {
            problem = "the URL has no valid host";
            return null;
        }

        var text = new StringBuilder(head.Length);
        text.Append(method).Append(' ').Append(path).Append(' ').Append(version).Append("\r\n");
        var hasHost = false;
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var name = line.Split(':', 2)[0].Trim();
            if (name.StartsWith("Proxy-", StringComparison.OrdinalIgnoreCase) || name.Equals("Connection", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Keep-Alive", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            hasHost |= name.Equals("Host", StringComparison.OrdinalIgnoreCase);
            text.Append(line).Append("\r\n");
        }

        if (!hasHost)
        {
            text.Append("Host: ").Append(authority).Append("\r\n");
        }

        text.Append("Connection: close\r\n\r\n");
        return new ProxyRequestHead(method, a.Host, a.Port ?? 80, false, text.ToString());
    }

    /// <summary>host:port as logged: never the path or query (a token can hide there) nor any header.</summary>
    public string Destination => (Host.Contains(':', StringComparison.Ordinal) ? "[" + Host + "]" : Host) + ":" + Port.ToString(CultureInfo.InvariantCulture);
}
