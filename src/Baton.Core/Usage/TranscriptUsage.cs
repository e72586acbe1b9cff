namespace Baton.Core.Usage;

/// <summary>What a stretch of an agent's transcript used: tokens, the last request's context fill, its model.</summary>
public sealed record TranscriptUsage(TokenUsage Tokens, ContextFill? Context, string? Model)
{
    /// <summary>The subscription windows the agent last reported in this stretch (Codex's rate_limits), agent not yet filled in.</summary>
    public IReadOnlyList<Budgets.UsageWindow> Windows { get; init; } = [];
}
