using Baton.Core.Usage;

namespace Baton.Core.Agents.Streams;

/// <summary>One thing a headless agent's stream said, parsed; <see cref="Kind"/> says which of the optional parts is set.</summary>
public sealed record AgentStreamEvent
{
    private static readonly IReadOnlyDictionary<string, string> NoMetadata = new Dictionary<string, string>();

    public required AgentStreamKind Kind { get; init; }

    /// <summary>One line for people (the event's message); may quote the agent's text, so redact before storing.</summary>
    public string Message { get; init; } = "";

    public IReadOnlyDictionary<string, string> Metadata { get; init; } = NoMetadata;

    /// <summary>For <see cref="AgentStreamKind.Usage"/>: the tokens (and cost) to add.</summary>
    public TokenUsage? Usage { get; init; }

    /// <summary>For <see cref="AgentStreamKind.Context"/>: the latest request's fill.</summary>
    public ContextFill? Context { get; init; }

    /// <summary>For <see cref="AgentStreamKind.RateLimit"/>: how long the agent was told to wait, when it was.</summary>
    public TimeSpan? RetryAfter { get; init; }
}
