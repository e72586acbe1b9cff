namespace Baton.Mcp;

/// <summary>
/// Who calls a tool: the orchestrator (a person's or the prophet's session, every tool) or one
/// worker (its token: only the tools about its own ticket).
/// </summary>
public sealed record McpCaller(string? Worker)
{
    public static McpCaller Orchestrator { get; } = new((string?)null);

    public bool IsWorker => Worker is not null;

    /// <summary>As events record it: <c>orchestrator</c> or <c>worker:NAME</c>.</summary>
    public string Name => Worker is { } w ? "worker:" + w : "orchestrator";
}
