using System.CommandLine;
using System.Text.Json;
using Baton.Cli.Host;
using Baton.Cli.Rendering;
using Baton.Core.Sandbox;

namespace Baton.Cli.Commands;

/// <summary>`baton sandbox check`: is confinement available here, what each role gets, what a sandbox shows.</summary>
internal static class SandboxCommand
{
    public static Command Create()
    {
        var check = new Command("check", "Say whether workers can be sandboxed here (bubblewrap, user namespaces), what each role gets and what a sandbox exposes; exit 1 when confinement is unavailable") { CommandRunner.Json };
        CommandRunner.Bind(check, (parse, host, ct) =>
        {
            var report = Report(host);
            if (parse.GetValue(CommandRunner.Json))
            {
                host.Out.WriteLine(JsonSerializer.Serialize(report, CliJson.Readable.SandboxCheckJson));
            }
            else
            {
                Print(host.Out, report);
            }

            return Task.FromResult(report.Available ? 0 : 1);
        });
        return new Command("sandbox", "Confinement of workers in bubblewrap (docs/sandbox.md)") { check, SandboxNetCommands.Net(), SandboxNetCommands.Relay() };
    }

    private static SandboxCheckJson Report(CliHost host)
    {
        var probe = host.FreshSandboxProbe().Probe();
        var project = host.Config.Sandbox;
        var catalog = host.Roles().Catalog;
        var roles = catalog.RoleNames().Select(n => Row(n, catalog.GetRole(n).Sandbox.Over(project))).ToList();
        return new SandboxCheckJson(
            probe.Available,
            probe.Bwrap,
            probe.Version,
            probe.Reason,
            Row("(project)", project),
            roles,
            ["the worker's folder", "the repository's git folder (objects, refs, the worktree's own folder)", ".baton (the store, the spool, role files, the baton shim)", "the HOME entries its agent profile names (sandbox.home)"],
            [.. probe.System.Select(s => s.LinkTarget is null ? s.Path : $"{s.Path} -> {s.LinkTarget}"), "git hooks and config", "Baton's binaries", "the agent's install"],
            ["every other worktree", "the main checkout's files", "the rest of HOME (~/.ssh included)", "/tmp and /var/tmp (private)", "/etc/shadow, /etc/gshadow", "other processes (own PID namespace)", "the host network with network none, loopback or allow_hosts (only the model API's and named loopback ports, and listed hosts through Baton's proxy)"]);
    }

    private static SandboxRoleJson Row(string name, SandboxSettings s) =>
        new(name, SandboxSettings.Text(s.Mode ?? SandboxMode.None), Network(s), s.MemoryMb, s.Processes, s.CpuSeconds);

    /// <summary>The network setting as said, with its allowlist (which confines even under allow).</summary>
    private static string Network(SandboxSettings s) =>
        s.AllowHosts is { Count: > 0 } hosts
            ? "loopback allow_hosts " + string.Join(',', hosts) // network none with hosts is refused when loaded
            : SandboxSettings.Text(s.Network ?? SandboxNetwork.Allow);

    private static void Print(TextWriter o, SandboxCheckJson r)
    {
        o.WriteLine(r.Available ? $"confinement: available ({r.Version}, {r.Bwrap})" : "confinement: NOT available");
        o.WriteLine("  " + r.Reason);
        if (!r.Available)
        {
            o.WriteLine("  workers with sandbox mode bwrap are refused, never started unconfined");
        }

        o.WriteLine();
        o.WriteLine("what each role gets (mode, network, limits):");
        foreach (var row in new[] { r.Project }.Concat(r.Roles))
        {
            var limits = string.Join(", ", new[] { row.MemoryMb is { } m ? $"memory {m} MiB" : null, row.Processes is { } p ? $"processes {p}" : null, row.CpuSeconds is { } c ? $"cpu {c}s" : null }.Where(x => x is not null));
            o.WriteLine($"  {row.Name,-12} {row.Mode,-6} network {row.Network,-9} {(limits.Length == 0 ? "no limits" : limits)}");
        }

        o.WriteLine();
        o.WriteLine("a bwrap worker sees read-write: " + string.Join("; ", r.ReadWrite));
        o.WriteLine("read-only: " + string.Join("; ", r.ReadOnly));
        o.WriteLine("hidden: " + string.Join("; ", r.Hidden));
    }
}
