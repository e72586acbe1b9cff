namespace Baton.Core.Roles;

/// <summary>Who an agent is: its prompt, directives, permissions, default agent and capacity.</summary>
public sealed record Role
{
    public required string Name { get; init; }
    public string Description { get; init; } = "";
    public string Prompt { get; init; } = "";

    /// <summary>Directive names in the order they are composed, each with the line it is named on (for errors).</summary>
    public IReadOnlyList<NamedReference> Directives { get; init; } = [];

    public string? Agent { get; init; }
    public int? Capacity { get; init; }

    /// <summary>Profiles a full context hands this role's ticket to, in order of preference (<c>handoff_to</c>); empty: a fresh agent of the same profile.</summary>
    public IReadOnlyList<string> HandoffTo { get; init; } = [];

    /// <summary>Kinds of work this role is for (<c>specialities</c>: review, architecture...): a ticket labelled <c>speciality:NAME</c> goes to a role that declares it.</summary>
    public IReadOnlyList<string> Specialities { get; init; } = [];

    /// <summary>Most tickets in progress at once with this role (<c>max_tasks</c>); null for no limit. Unlike <see cref="Capacity"/>, agents not on a ticket do not count.</summary>
    public int? MaxTasks { get; init; }
    /// <summary>Whether the autopilot ends the agent once its ticket is finished (<c>exit_when_done</c>, default true); false keeps it alive and idle (<see cref="Dispatch.KeptAgents"/>).</summary>
    public bool ExitWhenDone { get; init; } = true;
    public bool CommitBeforeStop { get; init; }
    public bool AutoApprove { get; init; }

    /// <summary>Baton's MCP server registered for the agent at spawn (<c>mcp: true</c> or <c>mcp: orchestrator</c>).</summary>
    public RoleMcp Mcp { get; init; }
    public RolePermissions Permissions { get; init; } = new();

    /// <summary>How this role's workers are confined (<c>sandbox:</c>), over the project's settings.</summary>
    public Sandbox.SandboxSettings Sandbox { get; init; } = Baton.Core.Sandbox.SandboxSettings.Unset;

    /// <summary>Claude Code sub-agents this role ships (<c>subagents:</c> name to markdown), installed as the worktree's .claude/agents/NAME.md.</summary>
    public IReadOnlyDictionary<string, string> Subagents { get; init; } = new Dictionary<string, string>();

    /// <summary>The file it came from (or "built-in role NAME"), for error messages.</summary>
    public string Source { get; init; } = "";
}

/// <summary>What a role may do: tool rules in the agent's own vocabulary, and what git guards enforce.</summary>
public sealed record RolePermissions
{
    public IReadOnlyList<string> Allow { get; init; } = [];
    public IReadOnlyList<string> Deny { get; init; } = [];

    /// <summary>Path globs the role may commit; empty means everything.</summary>
    public IReadOnlyList<string> Write { get; init; } = [];

    public IReadOnlyList<string> ProtectedBranches { get; init; } = [];

    public bool NeedsGitGuards => ProtectedBranches.Count > 0 || (Write.Count > 0 && !Write.Contains("**"));
}

/// <summary>A reusable piece of instruction, which may include others.</summary>
public sealed record Directive
{
    public required string Name { get; init; }
    public string Description { get; init; } = "";
    public string Content { get; init; } = "";
    public IReadOnlyList<NamedReference> Directives { get; init; } = [];
    public string Source { get; init; } = "";
}

/// <summary>A name written in a file, with where it was written.</summary>
public sealed record NamedReference(string Name, string Source, int Line, int Column)
{
    public string Where => $"{Source}:{Line}:{Column}";
}

/// <summary>Roles and directives by name: built-in ones overridden by project files.</summary>
public interface IRoleCatalog
{
    Role GetRole(string name);

    Directive GetDirective(string name);

    IReadOnlyList<string> RoleNames();

    IReadOnlyList<string> DirectiveNames();
}
