namespace Baton.Core.Config;

/// <summary>Where Baton keeps its files for one repository.</summary>
public sealed record BatonPaths(string Root, string BatonDir, string Database)
{
    /// <summary>The dashboard's token, in <see cref="BatonDir"/>.</summary>
    public const string DashboardTokenFile = "dashboard.token";

    /// <summary>The orchestrator's token for `baton mcp --http`, in <see cref="BatonDir"/>.</summary>
    public const string McpTokenFile = "mcp.token";

    /// <summary>
    /// Where tickets' worktrees (and the scratch worktrees of merges and gates) are made:
    /// <c>.baton/worktrees</c> unless <c>workspace.base_dir</c> puts them elsewhere (<see cref="WithWorktreesIn"/>).
    /// </summary>
    public string WorktreesDir { get; init; } = Path.Combine(BatonDir, "worktrees");

    public string ConfigFile => Path.Combine(BatonDir, "config.yaml");
    public string LogsDir => Path.Combine(BatonDir, "logs");
    public string LocksDir => Path.Combine(BatonDir, "locks");
    public string AgentsDir => Path.Combine(BatonDir, "agents");

    /// <summary>Handoff packets (H-n.json), the agents' sections (H-n.section.json) and the section's schema.</summary>
    public string HandoffDir => Path.Combine(BatonDir, "handoff");

    public static BatonPaths ForRoot(string root)
    {
        var dir = Path.Combine(root, ".baton");
        return new BatonPaths(root, dir, Path.Combine(dir, "baton.db"));
    }

    /// <summary>From an explicit database path (<c>BATON_DB</c>), whose folder is the .baton folder.</summary>
    public static BatonPaths ForDatabase(string database)
    {
        var full = Path.GetFullPath(database);
        var dir = Path.GetDirectoryName(full) ?? throw new BatonException($"BATON_DB '{database}' has no folder");
        var root = Path.GetDirectoryName(dir) ?? dir;
        return new BatonPaths(root, dir, full);
    }

    /// <summary>
    /// These paths with the worktrees under <paramref name="baseDir"/> (<c>workspace.base_dir</c>;
    /// relative to the repository's root; null or empty: the default). A folder inside the
    /// repository's .git or .baton/ itself is refused: git would see the worktrees as its own
    /// files, and clean-up of .baton would reach them.
    /// </summary>
    public BatonPaths WithWorktreesIn(string? baseDir)
    {
        if (string.IsNullOrWhiteSpace(baseDir))
        {
            return this;
        }

        var dir = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Path.Combine(Root, baseDir.Trim())));
        var git = Path.Combine(Path.GetFullPath(Root), ".git");
        if (Within(dir, git))
        {
            throw new BatonException($"workspace.base_dir '{baseDir}' is inside the repository's .git folder ({dir}): choose a folder outside it, e.g. ../{Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(Root)))}-worktrees");
        }

        if (dir == Path.TrimEndingDirectorySeparator(Path.GetFullPath(Root)) || dir == Path.TrimEndingDirectorySeparator(Path.GetFullPath(BatonDir)))
        {
            throw new BatonException($"workspace.base_dir '{baseDir}' is the repository's {(dir == Path.TrimEndingDirectorySeparator(Path.GetFullPath(BatonDir)) ? ".baton folder" : "root")} ({dir}): choose a folder of its own, e.g. ../{Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(Root)))}-worktrees");
        }

        return this with { WorktreesDir = dir };
    }

    private static bool Within(string path, string folder) =>
        path == folder || path.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    public string LogFile(string worker) => Path.Combine(LogsDir, worker + ".log");

    /// <summary>Where `baton hook` spools a worker's hook calls.</summary>
    public string SpoolFile(string worker) => Path.Combine(BatonDir, "spool", worker + ".jsonl");
}
