namespace Baton.Core.Agents.Streams;

/// <summary>What one item of a headless agent's event stream says.</summary>
public enum AgentStreamKind
{
    /// <summary>The agent started: its version, model and session when it says them.</summary>
    Started,
    ToolUse,

    /// <summary>A tool call failed (Claude's tool_result is_error, a command that exited non-zero).</summary>
    ToolError,

    /// <summary>The agent retries an API call (status, attempt, delay).</summary>
    Retry,

    /// <summary>A hook the agent ran reported back.</summary>
    Hook,

    /// <summary>A turn or the whole run ended (Claude's result, Codex's turn.completed / turn.failed).</summary>
    Result,

    /// <summary>The agent reports an error (is_error, api_error_status, Codex error / turn.failed).</summary>
    Error,

    /// <summary>A non-fatal complaint of the agent's (Codex error items that do not end the turn).</summary>
    Warning,

    /// <summary>Tokens to add to the worker's usage (and cost, when reported).</summary>
    Usage,

    /// <summary>The size of the latest request against the model's context window.</summary>
    Context,

    /// <summary>The API said 429 / rate limit / usage limit: the worker is to be paused.</summary>
    RateLimit,
}
