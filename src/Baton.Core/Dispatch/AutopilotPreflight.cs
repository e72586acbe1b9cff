using System.Globalization;
using System.Text.RegularExpressions;
using Baton.Core.Agents;
using Baton.Core.Config;
using Baton.Core.Git;
using Baton.Core.Processes;
using Baton.Core.Roles;

namespace Baton.Core.Dispatch;

/// <summary>Everything that can be wrong before the autopilot spawns anything: git too old, the default role or agent, the base branch.</summary>
public sealed partial class AutopilotPreflight
{
    private readonly IProcessRunner _runner;
    private readonly IRoleCatalog _roles;
    private readonly IAgentProfiles _profiles;
    private readonly IGitBranches _git;
    private readonly BatonPaths _paths;

    public AutopilotPreflight(IProcessRunner runner, IRoleCatalog roles, IAgentProfiles profiles, IGitBranches git, BatonPaths paths)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(roles);
        ArgumentNullException.ThrowIfNull(profiles);
        ArgumentNullException.ThrowIfNull(git);
        ArgumentNullException.ThrowIfNull(paths);
        _runner = runner;
        _roles = roles;
        _profiles = profiles;
        _git = git;
        _paths = paths;
    }

    [GeneratedRegex(@"(\d+)\.(\d+)")]
    private static partial Regex Version();

    /// <summary>Throws a <see cref="BatonException"/> that says what to fix, naming config.yaml where the value came from there.</summary>
    public void Check(BatonConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var version = _runner.Run(new ProcessRequest("git", ["version"])).StandardOutput;
        var m = Version().Match(version);
        if (m.Success && (int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)) is var (major, minor) && (major < 2 || (major == 2 && minor < 38)))
        {
            throw new BatonException($"{version.Trim()} is too old for the autopilot's merge queue (it needs git 2.38 or newer for `git merge-tree --write-tree`)");
        }

        try
        {
            _ = _roles.GetRole(config.Autopilot.DefaultRole);
            _ = _profiles.Get(config.DefaultAgent);
        }
        catch (BatonException e)
        {
            // The name came from config.yaml (or its default): say so, or the user looks in the wrong place.
            throw new BatonException($"{_paths.ConfigFile} (autopilot.default_role / agents.default): {e.Message}", e.ExitCode);
        }

        if (config.Autopilot.BaseBranch is { } branch && _git.Resolve(_paths.Root, "refs/heads/" + branch) is null)
        {
            throw new BatonException($"{_paths.ConfigFile}: autopilot.base_branch '{branch}' does not exist in {_paths.Root}");
        }
    }
}
