namespace Baton.Core.Usage;

/// <summary>What a stretch of an agent's transcript used: tokens, the last request's context fill, its model.</summary>
public sealed record TranscriptUsage(TokenUsage Tokens, ContextFill? Context, string? Model);
