namespace Baton.Core.Roles;

/// <summary>Which of Baton's MCP tools a role's agent is given (`mcp:` in the role).</summary>
public enum RoleMcp
{
    /// <summary>None registered (the default): the agent uses the `baton` CLI in its shell.</summary>
    None,

    /// <summary><c>mcp: true</c>: the tools about its own ticket, scoped by its worker token.</summary>
    Worker,

    /// <summary><c>mcp: orchestrator</c>: every tool (the prophet); no worker token is issued.</summary>
    Orchestrator,
}
