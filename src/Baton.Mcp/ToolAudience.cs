namespace Baton.Mcp;

/// <summary>Who sees a tool in tools/list and may call it.</summary>
public enum ToolAudience
{
    /// <summary>The orchestrator only (workers, tickets at large, the repository's state).</summary>
    Orchestrator,

    /// <summary>Both: a worker about its own ticket, the orchestrator about any ticket it names.</summary>
    Ticket,
}
