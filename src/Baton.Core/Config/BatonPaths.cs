namespace Baton.Core.Config;

/// <summary>Where Baton keeps its files for one repository.</summary>
public sealed record BatonPaths(string Root, string BatonDir, string Database)
{
    /// <summary>The dashboard's token, in <see cref="BatonDir"/>.</summary>
    public const string DashboardTokenFile = "dashboard.token";

    /// <summary>The orchestrator's token for `baton mcp --http`, in <see cref="BatonDir"/>.</summary>
    public const string McpTokenFile = "mcp.token";

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

    public string LogFile(string worker) => Path.Combine(LogsDir, worker + ".log");

    /// <summary>Where `baton hook` spools a worker's hook calls.</summary>
    public string SpoolFile(string worker) => Path.Combine(BatonDir, "spool", worker + ".jsonl");
}
