namespace Baton.Core.Sandbox;

/// <summary>What one worker's sandbox shows it (every path absolute), for <see cref="BwrapCommand"/>.</summary>
public sealed record SandboxRequest
{
    /// <summary>The worker's folder: read-write, the sandbox's working directory.</summary>
    public required string Worktree { get; init; }

    /// <summary>The repository's shared git folder: read-write (objects, refs, the worktree's own folder), its hooks and config read-only. Null: not a git checkout.</summary>
    public string? GitCommonDir { get; init; }

    /// <summary>Baton's folder (.baton): the store, the spool, the shim, the role files; read-write, with every other worktree under it hidden.</summary>
    public required string BatonDir { get; init; }

    /// <summary>Where every worker's worktree lives (<see cref="Config.BatonPaths.WorktreesDir"/>): hidden but for this worker's own; null: .baton/worktrees.</summary>
    public string? WorktreesDir { get; init; }

    /// <summary>The agent's HOME: an empty tmpfs holding only <see cref="HomeEntries"/>.</summary>
    public required string Home { get; init; }

    /// <summary>Files and folders of the real HOME the agent needs (its settings, its login), bound read-write at the same place.</summary>
    public IReadOnlyList<string> HomeEntries { get; init; } = [];

    /// <summary>Programs' folders shown read-only: Baton's own binaries, the agent's install.</summary>
    public IReadOnlyList<string> ReadOnly { get; init; } = [];

    /// <summary>Files that exist and the sandbox must not read (the dashboard's and MCP server's tokens): an empty file in their place.</summary>
    public IReadOnlyList<string> Hidden { get; init; } = [];

    /// <summary>Files shown read-only at another place (the user's git identity in the private HOME).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ReadOnlyAt { get; init; } = [];

    public SandboxNetwork Network { get; init; } = SandboxNetwork.Allow;

    /// <summary>The host folder of Baton's network socket, bound at <see cref="SandboxNetPlan.InsideFolder"/>; null: no relay.</summary>
    public string? NetFolder { get; init; }

    /// <summary>The relay command (ending in <c>--</c>) the agent runs under inside the sandbox; empty: none.</summary>
    public IReadOnlyList<string> Relay { get; init; } = [];

    /// <summary>Resource limits (memory, processes, CPU time); the rest of the settings is not read here.</summary>
    public SandboxSettings Limits { get; init; } = SandboxSettings.Unset;
}
