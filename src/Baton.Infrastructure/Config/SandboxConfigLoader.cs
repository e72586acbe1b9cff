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
        if (hosts?.FirstOrDefault(h => HostAllowList.Parse(h) is null) is { } bad)
        {
            // Said at load time, not at the first spawn.
            throw doc.Error(doc.Node(map, "allow_hosts")!, $"'allow_hosts' lists '{bad}': each entry is a host, *.domain or host:port (127.0.0.1:PORT for a host loopback port)");
        }

        var network = doc.Choice(map, "network", ("allow", SandboxNetwork.Allow), ("none", SandboxNetwork.None), ("loopback", SandboxNetwork.Loopback));
        if (network == SandboxNetwork.None && hosts is { Count: > 0 })
        {
            throw doc.Error(doc.Node(map, "allow_hosts")!, "'allow_hosts' with network: none: none reaches nothing; use network: loopback, or leave network out");
        }

        return new SandboxSettings
        {
            Mode = doc.Choice(map, "mode", ("none", SandboxMode.None), ("bwrap", SandboxMode.Bwrap)),
            Network = network,
            AllowHosts = hosts,
            MemoryMb = doc.Int(map, "memory_mb", 16, 1_048_576),
            Processes = doc.Int(map, "processes", 8, 1_000_000),
            CpuSeconds = doc.Int(map, "cpu_seconds", 1, 31_536_000),
        };
    }
}
