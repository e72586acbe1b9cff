using Baton.Core;
using Baton.Core.Agents;
using Baton.Core.Config;
using Baton.Core.Processes;
using Baton.Core.Workers;
using Baton.Infrastructure.Agents;
using Baton.Infrastructure.Config;
using Baton.Infrastructure.Storage.Postgres;
using Baton.Infrastructure.Storage.Sqlite;

namespace Baton.Infrastructure.Diagnostics;

/// <summary>
/// `baton doctor`: is this machine ready to run agents? tmux and git (present, versions), each
/// agent profile (installed, version, known good), and the store (opens, schema, writable). Every
/// problem comes with what to do about it. Fails only for what stops Baton working; an optional
/// agent that is not installed, or an untested version, is a warning.
/// </summary>
public sealed class Doctor
{
    public const string MinimumGit = "2.38";
    private readonly IProcessRunner _runner;
    private readonly IExecutables _executables;
    private readonly IAgentVersions _versions;

    public Doctor(IProcessRunner runner, IExecutables executables, IAgentVersions versions)
    {
        _runner = runner;
        _executables = executables;
        _versions = versions;
    }

    /// <param name="paths">The repository's Baton paths, or null when there is no store here.</param>
    public IReadOnlyList<DoctorCheck> Run(BatonPaths? paths)
    {
        var checks = new List<DoctorCheck> { Tmux(), Git() };
        var config = Store(paths, checks);
        var profiles = new AgentProfiles(paths?.AgentsDir);
        foreach (var name in profiles.Names())
        {
            checks.Add(Agent(profiles, name, isDefault: name == (config?.DefaultAgent ?? new BatonConfig().DefaultAgent)));
        }

        return checks;
    }

    private DoctorCheck Tmux()
    {
        if (_executables.Resolve("tmux") is not { } path)
        {
            return new("tmux", DoctorCheck.Fail, "tmux is not on PATH", "install tmux (Debian/Ubuntu: apt-get install tmux; macOS: brew install tmux)");
        }

        // tmux's own words ("tmux 3.3a"): its letter releases are versions of their own, not "3.3".
        var said = Said(path, ["-V"]);
        return new("tmux", DoctorCheck.Ok, $"{path}: {(said is { Length: > 0 } ? said : "tmux (version unknown)")}");
    }

    private DoctorCheck Git()
    {
        if (_executables.Resolve("git") is not { } path)
        {
            return new("git", DoctorCheck.Fail, "git is not on PATH", $"install git {MinimumGit} or newer");
        }

        var version = Version(path, ["--version"]);
        if (version is null)
        {
            return new("git", DoctorCheck.Fail, $"{path}: `git --version` did not answer", $"check the git installation; Baton needs git {MinimumGit} or newer");
        }

        return AgentVersion.Compare(version, MinimumGit) < 0
            ? new("git", DoctorCheck.Fail, $"{path}: git {version} is older than {MinimumGit}", $"upgrade git to {MinimumGit} or newer (the merge queue uses `git merge-tree --write-tree`)")
            : new("git", DoctorCheck.Ok, $"{path}: git {version}");
    }

    private static BatonConfig? Store(BatonPaths? paths, List<DoctorCheck> checks)
    {
        if (paths is null)
        {
            checks.Add(new("store", DoctorCheck.Warn, "no Baton store in this folder or above", "run `baton init` in your repository"));
            return null;
        }

        if (SharedStoreUrl(paths) is { } url)
        {
            checks.Add(Shared(url));
        }
        else
        {
            Local(paths, checks);
        }

        try
        {
            var config = ConfigLoader.Load(paths.ConfigFile, null);
            checks.Add(new("config", DoctorCheck.Ok, $"{paths.ConfigFile}: valid"));
            return config;
        }
        catch (BatonException e)
        {
            checks.Add(new("config", DoctorCheck.Fail, e.Message, "fix the file at the line named"));
            return null;
        }
    }

    /// <summary>BATON_STORE_URL, else store.url of a config that loads (its errors are the config check's).</summary>
    private static string? SharedStoreUrl(BatonPaths paths)
    {
        if (Environment.GetEnvironmentVariable("BATON_STORE_URL") is { Length: > 0 } url)
        {
            return url;
        }

        try
        {
            return ConfigLoader.Load(paths.ConfigFile, null).StoreUrl;
        }
        catch (BatonException)
        {
            return null;
        }
    }

    private static DoctorCheck Shared(string url)
    {
        try
        {
            using var store = PostgresStore.Open(PostgresUrl.Parse(url), Environment.GetEnvironmentVariable("BATON_STORE_PASSWORD"), create: false);
            store.CheckWritable();
            return new("store", DoctorCheck.Ok, $"{store.Location}: schema version {store.SchemaVersion}, writable");
        }
        catch (BatonException e)
        {
            return new("store", DoctorCheck.Fail, e.Message, "see docs/storage.md: the server, the password (BATON_STORE_PASSWORD, PGPASSWORD, ~/.pgpass) and `baton init --store`");
        }
    }

    private static void Local(BatonPaths paths, List<DoctorCheck> checks)
    {
        try
        {
            using var store = SqliteStore.Open(paths.Database, create: false);
            var version = store.SchemaVersion;
            if (version > SqliteStore.LatestSchemaVersion)
            {
                checks.Add(new("store", DoctorCheck.Fail, $"{paths.Database}: schema version {version} is newer than this Baton knows ({SqliteStore.LatestSchemaVersion})",
                    "use the newer Baton that wrote it (check `which baton`), or upgrade this one"));
            }
            else
            {
                store.CheckWritable();
                checks.Add(new("store", DoctorCheck.Ok, $"{paths.Database}: schema version {version}, writable"));
            }
        }
        catch (Exception e) when (e is BatonException or Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException)
        {
            checks.Add(new("store", DoctorCheck.Fail, $"{paths.Database}: {e.Message}", "check the file's permissions and free disk space; a damaged store can be moved away and recreated with `baton init`"));
        }
    }

    private DoctorCheck Agent(AgentProfiles profiles, string name, bool isDefault)
    {
        var check = $"agent {name}" + (isDefault ? " (default)" : "");
        AgentProfile profile;
        try
        {
            profile = profiles.Get(name);
        }
        catch (BatonException e)
        {
            return new(check, DoctorCheck.Fail, e.Message, $"fix .baton/agents/{name}.yaml at the line named");
        }

        var program = profile.Command.Count > 0 ? profile.Command[0] : "";
        if (program == "{baton}")
        {
            return new(check, DoctorCheck.Ok, "Baton's own scripted agent");
        }

        // A profile never run against the real CLI says so whatever else is found.
        var unverified = profile.Unverified is { } u ? $"; the profile is unverified: {u}" : "";
        if (_executables.Resolve(program) is not { } path)
        {
            return new(check, isDefault ? DoctorCheck.Fail : DoctorCheck.Warn, $"'{program}' is not on PATH ({profile.Source}){unverified}",
                $"install it{InstallHint(name)}, or set `command` in .baton/agents/{name}.yaml" + (isDefault ? ", or choose another agents.default in .baton/config.yaml" : ""));
        }

        var version = _versions.Get(path, [], profile.VersionArgument);
        if (profile.Unverified is not null)
        {
            return new(check, DoctorCheck.Warn, $"{path}: version {version ?? "unknown"}{unverified}",
                $"drive it against its recorded screens and streams (see docs/agents.md), then list the version in version.known_good of .baton/agents/{name}.yaml");
        }

        if (version is null)
        {
            return profile.VersionArgument.Count == 0
                ? new(check, DoctorCheck.Ok, $"{path} (the profile asks no version)")
                : new(check, DoctorCheck.Warn, $"{path}: `{program} {string.Join(' ', profile.VersionArgument)}` gave no version", "check that the program runs; set `version.argument` in the profile if it takes another option");
        }

        if (profile.KnownGoodVersions.Count > 0 && !AgentVersion.IsKnownGood(profile, version))
        {
            return new(check, DoctorCheck.Warn, $"{path}: version {version} is not one Baton was tested with (known good: {string.Join(", ", profile.KnownGoodVersions)})",
                $"install a known-good version{InstallHint(name, profile.KnownGoodVersions[^1])}, or check its screens and add {version} to version.known_good in .baton/agents/{name}.yaml");
        }

        return new(check, DoctorCheck.Ok, $"{path}: version {version}" + (profile.KnownGoodVersions.Count > 0 ? " (known good)" : ""));
    }

    private string? Said(string path, IReadOnlyList<string> args)
    {
        try
        {
            var r = _runner.Run(new ProcessRequest(path, args) { Timeout = TimeSpan.FromSeconds(10) });
            return r.ExitCode == 0 ? r.StandardOutput.Split('\n')[0].Trim() : null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return null;
        }
    }

    private string? Version(string path, IReadOnlyList<string> args)
    {
        try
        {
            var r = _runner.Run(new ProcessRequest(path, args) { Timeout = TimeSpan.FromSeconds(10) });
            return r.ExitCode == 0 ? AgentVersion.Parse(r.StandardOutput + " " + r.StandardError) : null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return null;
        }
    }

    private static string InstallHint(string agent, string? version = null) => agent switch
    {
        "claude" => $" (npm install -g @anthropic-ai/claude-code{(version is null ? "" : "@" + version)})",
        "codex" => $" (npm install -g @openai/codex{(version is null ? "" : "@" + version)})",
        "gemini" => $" (npm install -g @google/gemini-cli{(version is null ? "" : "@" + version)})",
        "opencode" => $" (npm install -g opencode-ai{(version is null ? "" : "@" + version)})",
        "aider" => " (pip install aider-chat)",
        _ => "",
    };
}
