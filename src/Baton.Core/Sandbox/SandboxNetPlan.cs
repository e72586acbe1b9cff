using System.Globalization;

namespace Baton.Core.Sandbox;

/// <summary>
/// What a sandbox may reach, worked out at spawn from its settings and the agent's environment.
/// <c>none</c>: nothing (a namespace of its own). <c>loopback</c>: the host's 127.0.0.1 ports the
/// worker needs, each forwarded by Baton's relay: the model API's (a <c>*_BASE_URL</c> variable
/// on a loopback address) and the <c>127.0.0.1:PORT</c> / <c>localhost:PORT</c> entries of
/// <c>allow_hosts</c>. Every other <c>allow_hosts</c> entry, and a model API that is not on
/// loopback, is reached through Baton's proxy (HTTP_PROXY / HTTPS_PROXY in the sandbox); naming
/// hosts confines the network even when <c>network</c> is left at <c>allow</c>. Only the
/// listed ports are forwarded, not the whole of the host's loopback: a database or another
/// worker's server there stays out of reach unless named.
/// </summary>
public sealed record SandboxNetPlan
{
    /// <summary>The sandbox's side of the proxy; moved up when a forwarded port has it.</summary>
    public const int DefaultProxyPort = 3128;

    /// <summary>Where the folder of the relay's socket appears in the sandbox (its private /tmp).</summary>
    public const string InsideFolder = "/tmp/.baton-net";

    public const string SocketName = "relay.sock";

    public SandboxNetwork Network { get; init; } = SandboxNetwork.Allow;

    /// <summary>Host loopback ports reachable at the same port in the sandbox.</summary>
    public IReadOnlyList<int> Forward { get; init; } = [];

    /// <summary>What the proxy lets through (host, *.domain, either with :port); empty: no proxy.</summary>
    public IReadOnlyList<string> ProxyHosts { get; init; } = [];

    public int ProxyPort { get; init; } = DefaultProxyPort;

    public bool Proxy => ProxyHosts.Count > 0;

    /// <summary>True when a relay runs in the sandbox and Baton's side outside it.</summary>
    public bool Relayed => Forward.Count > 0 || Proxy;

    public static SandboxNetPlan For(SandboxSettings settings, IReadOnlyDictionary<string, string> environment)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(environment);
        var hosts = settings.AllowHosts ?? [];
        var network = settings.Network ?? SandboxNetwork.Allow;
        if (network == SandboxNetwork.None && hosts.Count > 0)
        {
            throw BatonException.Usage("sandbox: network none reaches nothing, so allow_hosts cannot apply: use network loopback (or leave network out) with allow_hosts");
        }

        if (network == SandboxNetwork.None || (network == SandboxNetwork.Allow && hosts.Count == 0))
        {
            return new SandboxNetPlan { Network = network };
        }

        var forward = new SortedSet<int>();
        var proxied = new List<string>();
        foreach (var entry in hosts)
        {
            var (host, port) = HostAllowList.Parse(entry) ?? throw BatonException.Usage($"sandbox: allow_hosts entry '{entry}' is not a host, *.domain or host:port");
            if (HostAllowList.IsLoopback(host))
            {
                forward.Add(port ?? throw BatonException.Usage($"sandbox: allow_hosts entry '{entry}' is on loopback: name its port (127.0.0.1:8080); the whole of the host's loopback is never opened"));
            }
            else
            {
                proxied.Add(entry);
            }
        }

        // The agent's model API stays reachable whatever the list says: without it the agent is dead.
        foreach (var (name, value) in environment.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if ((name.EndsWith("_BASE_URL", StringComparison.Ordinal) || name.EndsWith("_API_BASE", StringComparison.Ordinal))
                && Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            {
                if (HostAllowList.IsLoopback(uri.IdnHost))
                {
                    forward.Add(uri.Port);
                }
                else
                {
                    proxied.Add(uri.IdnHost + ":" + uri.Port.ToString(CultureInfo.InvariantCulture));
                }
            }
        }

        if (forward.FirstOrDefault(p => p < 1024) is > 0 and var low)
        {
            // The sandbox's user holds no capability in its network namespace (as any user, root
            // too, once bubblewrap drops them), so the relay cannot listen below 1024 there.
            throw BatonException.Usage($"sandbox: the host loopback port {low.ToString(CultureInfo.InvariantCulture)} cannot be forwarded into a sandbox (ports below 1024 cannot be listened on inside it): serve it on a port from 1024, or use network allow");
        }

        var proxyPort = DefaultProxyPort;
        while (forward.Contains(proxyPort))
        {
            proxyPort++;
        }

        return new SandboxNetPlan { Network = SandboxNetwork.Loopback, Forward = [.. forward], ProxyHosts = [.. proxied.Distinct(StringComparer.OrdinalIgnoreCase)], ProxyPort = proxyPort };
    }

    /// <summary>The proxy variables the agent gets (upper and lower case: tools read one or the other); loopback goes direct, to the forwarded ports.</summary>
    public IReadOnlyDictionary<string, string> Environment()
    {
        if (!Proxy)
        {
            return new Dictionary<string, string>();
        }

        var url = "http://127.0.0.1:" + ProxyPort.ToString(CultureInfo.InvariantCulture);
        const string direct = "localhost,127.0.0.1,::1";
        return new Dictionary<string, string>
        {
            ["HTTP_PROXY"] = url,
            ["HTTPS_PROXY"] = url,
            ["http_proxy"] = url,
            ["https_proxy"] = url,
            ["NO_PROXY"] = direct,
            ["no_proxy"] = direct,
        };
    }

    /// <summary>One line for the spawn event and `sandbox check`.</summary>
    public string Describe() => Network switch
    {
        SandboxNetwork.None => "none",
        SandboxNetwork.Allow => "allow",
        _ => "loopback" + (Forward.Count > 0 ? " ports " + string.Join(',', Forward) : " (no host port)")
            + (Proxy ? "; proxy for " + string.Join(',', ProxyHosts) : ""),
    };
}
