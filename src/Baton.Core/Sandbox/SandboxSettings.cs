namespace Baton.Core.Sandbox;

/// <summary>
/// The <c>sandbox:</c> section of config.yaml or a role, or <c>spawn --sandbox</c>. A null field is
/// "not said here": <see cref="Over"/> lets a role say only what differs from the project.
/// </summary>
public sealed record SandboxSettings
{
    public SandboxMode? Mode { get; init; }
    public SandboxNetwork? Network { get; init; }

    /// <summary>Hosts a sandbox may reach through a proxy; parsed so a file that names them fails clearly (not supported yet).</summary>
    public IReadOnlyList<string>? AllowHosts { get; init; }

    /// <summary>Address space of each process in the sandbox, in MiB (RLIMIT_AS).</summary>
    public int? MemoryMb { get; init; }

    /// <summary>Processes the sandbox's user may have (RLIMIT_NPROC, counted per user namespace).</summary>
    public int? Processes { get; init; }

    /// <summary>CPU seconds of each process (RLIMIT_CPU).</summary>
    public int? CpuSeconds { get; init; }

    public static SandboxSettings Unset { get; } = new();

    public bool IsConfined => Mode == SandboxMode.Bwrap;

    public bool HasLimits => MemoryMb is not null || Processes is not null || CpuSeconds is not null;

    /// <summary>These settings where they say something, else <paramref name="lower"/>'s.</summary>
    public SandboxSettings Over(SandboxSettings lower)
    {
        ArgumentNullException.ThrowIfNull(lower);
        return new SandboxSettings
        {
            Mode = Mode ?? lower.Mode,
            Network = Network ?? lower.Network,
            AllowHosts = AllowHosts ?? lower.AllowHosts,
            MemoryMb = MemoryMb ?? lower.MemoryMb,
            Processes = Processes ?? lower.Processes,
            CpuSeconds = CpuSeconds ?? lower.CpuSeconds,
        };
    }

    public static string Text(SandboxMode mode) => mode == SandboxMode.Bwrap ? "bwrap" : "none";

    public static string Text(SandboxNetwork network) => network switch
    {
        SandboxNetwork.None => "none",
        SandboxNetwork.Loopback => "loopback",
        _ => "allow",
    };
}
