namespace Baton.Cli.Rendering;

/// <summary>`baton sandbox check --json`: whether confinement works here, what each role gets, what a sandbox shows.</summary>
public sealed record SandboxCheckJson(
    bool Available,
    string? Bwrap,
    string? Version,
    string Reason,
    SandboxRoleJson Project,
    IReadOnlyList<SandboxRoleJson> Roles,
    IReadOnlyList<string> ReadWrite,
    IReadOnlyList<string> ReadOnly,
    IReadOnlyList<string> Hidden);

/// <summary>The sandbox a role's workers get (the project's settings under the role's own).</summary>
public sealed record SandboxRoleJson(string Name, string Mode, string Network, int? MemoryMb, int? Processes, int? CpuSeconds);

/// <summary>One stored credential of `baton credentials list --json`: whose and its name, never its value.</summary>
public sealed record CredentialJson(string Kind, string Owner, string Name);
