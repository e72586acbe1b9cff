using Baton.Core.Agents;
using Baton.Core.Config;
using Baton.Core.Files;
using Baton.Core.Git;

namespace Baton.Core.Roles;

/// <summary>What spawning with a role (or a name that has a memory) adds to the agent's start.</summary>
public sealed record RoleLaunch(IReadOnlyList<string> Arguments, string Prompt, IReadOnlyDictionary<string, string> Environment, IReadOnlyList<string> Notes);

/// <summary>
/// Delivers a role to an agent the way its profile reads context: a command-line option (Claude
/// Code's system-prompt append, the scripted agent's context file), or a context file such as
/// AGENTS.md / GEMINI.md written only when the checkout does not have one (a file the repository
/// has is never overwritten: the context then goes in front of the first prompt). Installs the
/// role's Claude Code settings (permissions, hooks) and its git guards.
/// </summary>
public sealed class RoleSetup
{
    private readonly RoleService _roles;
    private readonly IGitWorkspace _git;
    private readonly BatonPaths _paths;
    private readonly IReadOnlyList<string> _baton;
    private readonly IReadOnlyList<string> _hook;
    private readonly IFiles _files;

    public RoleSetup(RoleService roles, IGitWorkspace git, BatonPaths paths, IReadOnlyList<string> baton, IReadOnlyList<string> hook, IFiles files)
    {
        _roles = roles;
        _git = git;
        _paths = paths;
        _baton = baton;
        _hook = hook;
        _files = files;
    }

    public RoleService Roles => _roles;

    /// <summary>The checkout's git folders, for profiles whose command names <c>{git_dir}</c> or <c>{git_common_dir}</c>.</summary>
    public (string Own, string Common)? GitFolders(string directory) => _git.GitFolders(directory);

    public RoleLaunch Prepare(AgentProfile profile, Role? role, string worker, string directory, string prompt)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var arguments = new List<string>();
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        var notes = new List<string>();

        // Files a previous worker of this name left (another role, other guards) must not apply.
        Release(worker);
        foreach (var stale in new[] { ContextFile(worker), SettingsFile(worker), GuardFile(worker), McpConfigFile(worker) }.Where(_files.FileExists))
        {
            _files.DeleteFile(stale);
        }

        var context = role is not null
            ? _roles.Compose(role.Name, worker)
            : _roles.ReadMemory(worker) is { } memory ? $"## Memory of {worker}\n\n{memory.Trim()}\n" : null;

        if (context is not null)
        {
            var contextFile = Write(ContextFile(worker), context);
            environment["BATON_CONTEXT_FILE"] = contextFile;
            var vars = new Dictionary<string, string> { ["{context}"] = context, ["{context_file}"] = contextFile };
            if (profile.ContextArgument.Count > 0)
            {
                arguments.AddRange(profile.ContextArgument.Select(a => Substitute(a, vars)));
                notes.Add("context given with " + profile.ContextArgument[0]);
            }
            else if (profile.ContextFile is { } name && !_files.FileExists(Path.Combine(directory, name)))
            {
                var written = Write(Path.Combine(directory, name), context);
                var pattern = "/" + name;
                if (_git.Exclude(directory, pattern))
                {
                    // Baton's line, not the user's: removed when the last worker relying on it ends.
                    _files.AppendText(ExcludesAdded(), pattern + "\n");
                }

                // Remembered, so the worker's end removes what Baton added (and only that). The
                // pattern is kept even when another worker added the line first: it relies on it too.
                Write(WrittenFile(worker), string.Join('\n', written, directory, pattern, Hash(context)) + "\n");
                notes.Add($"context written to {name} (excluded from git)");
            }
            else
            {
                prompt = context + "\n---\n\n" + prompt;
                notes.Add(profile.ContextFile is { } existing
                    ? $"context put before the prompt ({existing} exists and is left alone)"
                    : "context put before the prompt");
            }
        }

        if (profile.NotifyArgument.Count > 0)
        {
            var notify = "[" + string.Join(", ", _hook.Select(TomlString)) + "]";
            var vars = new Dictionary<string, string> { ["{notify}"] = notify };
            arguments.AddRange(profile.NotifyArgument.Select(a => Substitute(a, vars)));
            notes.Add("turn ends reported to baton hook (notify)");
        }

        if (role is null)
        {
            return new RoleLaunch(arguments, prompt, environment, notes);
        }

        environment["BATON_ROLE"] = role.Name;
        if (role.CommitBeforeStop)
        {
            environment["BATON_COMMIT_BEFORE_STOP"] = "1";
        }

        if (profile.SettingsArgument.Count > 0 || profile.SettingsEnvironment is not null)
        {
            var gemini = profile.SettingsFormat == "gemini";
            var settings = Write(SettingsFile(worker), gemini ? GeminiSettings.Render(_hook) : _roles.ClaudeSettings(role.Name, _hook));
            var vars = new Dictionary<string, string> { ["{settings_file}"] = settings };
            arguments.AddRange(profile.SettingsArgument.Select(a => Substitute(a, vars)));
            if (profile.SettingsEnvironment is { } variable)
            {
                environment[variable] = settings;
            }

            notes.Add((gemini ? "settings (hooks) in " : "settings (permissions, hooks) in ") + settings);
        }

        if (role.Mcp != RoleMcp.None && profile.McpArgument.Count > 0)
        {
            var vars = new Dictionary<string, string>
            {
                ["{mcp_config_file}"] = Write(McpConfigFile(worker), Mcp.McpRegistration.ClaudeConfig(_baton)),
                ["{mcp_toml}"] = Mcp.McpRegistration.CodexTable(_baton),
            };
            arguments.AddRange(profile.McpArgument.Select(a => Substitute(a, vars)));
            notes.Add("Baton's MCP server registered (" + (role.Mcp == RoleMcp.Orchestrator ? "every tool" : "its ticket's tools") + ")");
        }

        if (role.Permissions.NeedsGitGuards)
        {
            var policy = new GuardPolicy(worker, role.Name, role.Permissions.Write, role.Permissions.ProtectedBranches);
            Write(GuardFile(worker), GitGuard.Serialize(policy));
            if (_git.InstallGuards(directory, _baton) is { } hooks)
            {
                notes.Add("git guards installed in " + hooks);
            }
        }

        return new RoleLaunch(arguments, prompt, environment, notes);
    }

    /// <summary>
    /// When a worker ends: the AGENTS.md / GEMINI.md written for it is removed if nobody changed it,
    /// and the exclude line added with it, so a file the user writes there later is not ignored by git.
    /// </summary>
    public void Release(string worker)
    {
        var record = WrittenFile(worker);
        if (!_files.FileExists(record))
        {
            return;
        }

        var lines = _files.ReadText(record).Split('\n');
        _files.DeleteFile(record);
        if (lines.Length < 4)
        {
            return;
        }

        var (file, directory, pattern, hash) = (lines[0], lines[1], lines[2], lines[3]);
        if (!_files.FileExists(file) || Hash(_files.ReadText(file)) != hash)
        {
            return; // changed since, or gone: it is someone's file now
        }

        _files.DeleteFile(file);
        // Linked worktrees share one info/exclude: while another worker's context file of the
        // same name (Codex and OpenCode both read AGENTS.md) is still in place, its line stays,
        // whichever of them added it; a line the user had before Baton is never removed.
        if (pattern.Length > 0 && !StillExcluded(pattern) && ForgetAdded(pattern))
        {
            _git.Unexclude(directory, pattern);
        }
    }

    /// <summary>Removes <paramref name="pattern"/> from the exclude lines Baton added; false when Baton did not add it.</summary>
    private bool ForgetAdded(string pattern)
    {
        var file = ExcludesAdded();
        if (!_files.FileExists(file))
        {
            return false;
        }

        var lines = _files.ReadText(file).Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        if (!lines.Remove(pattern))
        {
            return false;
        }

        _files.WriteText(file, lines.Count == 0 ? "" : string.Join('\n', lines) + "\n");
        return true;
    }

    private string ExcludesAdded() => Path.Combine(_paths.BatonDir, "context", "excludes-added");

    private bool StillExcluded(string pattern)
    {
        var records = Path.Combine(_paths.BatonDir, "context");
        return _files.DirectoryExists(records) && _files.ListFiles(records, "*.written")
            .Select(r => _files.ReadText(r.Path).Split('\n'))
            .Any(l => l.Length >= 4 && l[2] == pattern && _files.FileExists(l[0]));
    }

    private static string Hash(string text) => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    private string WrittenFile(string worker) => Path.Combine(_paths.BatonDir, "context", worker + ".written");

    private string ContextFile(string worker) => Path.Combine(_paths.BatonDir, "context", worker + ".md");

    private string SettingsFile(string worker) => Path.Combine(_paths.BatonDir, "settings", worker + ".json");

    private string McpConfigFile(string worker) => Path.Combine(_paths.BatonDir, "mcp", worker + ".mcp.json");

    private string GuardFile(string worker) => Path.Combine(_paths.BatonDir, "guards", worker + ".json");

    /// <summary>A TOML basic string (paths: no control characters to escape).</summary>
    private static string TomlString(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static string Substitute(string template, IReadOnlyDictionary<string, string> vars) =>
        vars.Aggregate(template, (t, v) => t.Replace(v.Key, v.Value, StringComparison.Ordinal));

    private string Write(string file, string text)
    {
        _files.WriteText(file, text);
        return file;
    }
}
