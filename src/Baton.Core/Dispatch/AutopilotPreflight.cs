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

    /// <summary>When set, the agents the waiting tickets will run are checked to be installed (as `baton doctor` does).</summary>
    public Workers.IExecutables? Executables { get; init; }

    /// <summary>When set, the project's ticket template is checked for unknown placeholders.</summary>
    public Files.IFiles? Files { get; init; }

    /// <summary>When set, the roles and agents the waiting tickets name are checked before anything starts.</summary>
    public Storage.ITicketStore? Tickets { get; init; }

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

        if (_git.Resolve(_paths.Root, "HEAD") is null)
        {
            // Every ticket branches from a commit: without one each dispatch would fail and burn its retries.
            throw new BatonException($"the repository {_paths.Root} has no commit yet: the autopilot branches each ticket from one. Make a first commit (git add -A && git commit -m \"First commit\"), then run `baton up` again");
        }

        if (config.Autopilot.BaseBranch is { } branch && _git.Resolve(_paths.Root, "refs/heads/" + branch) is null)
        {
            throw new BatonException($"{_paths.ConfigFile}: autopilot.base_branch '{branch}' does not exist in {_paths.Root}");
        }

        if (Files is { } files)
        {
            // A base_dir on a disk that is not mounted fails here, not on every dispatch.
            Workspace.WorktreeFolder.Ensure(files, _paths);
        }

        CheckWaitingTickets(config);
        var template = Path.Combine(_paths.BatonDir, "templates", "ticket.md");
        if (Files is not null && Files.FileExists(template))
        {
            Baton.Core.Tickets.TicketTemplate.Check(Files.ReadText(template), template);
        }
    }

    /// <summary>The role and agent of every ticket waiting to start: they exist, and the agent's program is installed.</summary>
    private void CheckWaitingTickets(BatonConfig config)
    {
        if (Tickets is null)
        {
            return;
        }

        var problems = new List<string>();
        var waiting = Tickets.ListTickets(new Storage.TicketQuery()).Where(t => t.Status is Baton.Core.Tickets.TicketStatus.Open or Baton.Core.Tickets.TicketStatus.Queued);
        foreach (var group in waiting.GroupBy(t => (t.RoleWanted, t.AgentWanted)))
        {
            var ids = string.Join(", ", group.Select(t => t.Id));
            var roleName = group.Key.RoleWanted ?? config.Autopilot.DefaultRole;
            string agent;
            try
            {
                agent = group.Key.AgentWanted ?? _roles.GetRole(roleName).Agent ?? config.DefaultAgent;
            }
            catch (BatonException e)
            {
                problems.Add($"{ids}: {e.Message}");
                continue;
            }

            if (Installed(agent) is { } missing)
            {
                problems.Add($"{ids}: {missing}");
            }
        }

        if (problems.Count > 0)
        {
            throw new BatonException("these tickets cannot start, nothing was dispatched:\n  " + string.Join("\n  ", problems.Distinct(StringComparer.Ordinal))
                + "\nFix the profile or role named (`baton doctor` checks the agents), or cancel the ticket (`baton ticket update T-n --status cancelled`), then run `baton up` again");
        }
    }

    /// <summary>Null when the agent's profile exists and its program can be run; else what is wrong and what to do.</summary>
    private string? Installed(string agent)
    {
        AgentProfile profile;
        try
        {
            profile = _profiles.Get(agent);
        }
        catch (BatonException e)
        {
            return e.Message;
        }

        var program = profile.Command.Count > 0 ? profile.Command[0] : "";
        if (Executables is null || program == "{baton}" || Executables.Resolve(program) is not null)
        {
            return null;
        }

        return $"agent '{agent}' is not installed: '{program}' is not on PATH ({profile.Source}); install it, or set `command` in .baton/agents/{agent}.yaml";
    }
}
