using Baton.Core.Sandbox;
using YamlDotNet.RepresentationModel;

namespace Baton.Infrastructure.Config;

/// <summary>A <c>sandbox:</c> map, in config.yaml or a role: <c>{ mode, network, allow_hosts, memory_mb, processes, cpu_seconds }</c>.</summary>
internal static class SandboxConfigLoader
{
    public static SandboxSettings Parse(YamlDocument doc, YamlMappingNode map)
    {
        doc.AllowOnly(map, "mode", "network", "allow_hosts", "memory_mb", "processes", "cpu_seconds");
        var hosts = doc.List(map, "allow_hosts");
        if (hosts is { Count: > 0 })
        {
            // Said at load time, not at the first spawn: a file asking for an allowlist must not
            // look accepted while the proxy that would enforce it does not exist.
            throw doc.Error(doc.Node(map, "allow_hosts")!, "'allow_hosts' (an allowlist through a local proxy) is not supported yet: use network: allow, none or loopback");
        }

        return new SandboxSettings
        {
            Mode = doc.Choice(map, "mode", ("none", SandboxMode.None), ("bwrap", SandboxMode.Bwrap)),
            Network = doc.Choice(map, "network", ("allow", SandboxNetwork.Allow), ("none", SandboxNetwork.None), ("loopback", SandboxNetwork.Loopback)),
            AllowHosts = hosts,
            MemoryMb = doc.Int(map, "memory_mb", 16, 1_048_576),
            Processes = doc.Int(map, "processes", 8, 1_000_000),
            CpuSeconds = doc.Int(map, "cpu_seconds", 1, 31_536_000),
        };
    }
}
