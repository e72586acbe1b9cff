namespace Baton.Cli.Rendering;

/// <summary>One line of `baton usage --json`: a worker run, a ticket, or the total.</summary>
public sealed record UsageLineJson(
    string Key,
    string? Agent,
    string? Ticket,
    string? AgentVersion,
    string? Model,
    int Runs,
    long InputTokens,
    long OutputTokens,
    long CacheCreationTokens,
    long CacheReadTokens,
    double? CacheHitRate,
    decimal? CostUsd,
    long? ContextTokens,
    long? ContextWindow,
    double? ContextFill,
    long? ContextEffectiveWindow,
    double? ContextPercent);

public sealed record UsageJson(IReadOnlyList<UsageLineJson> Workers, IReadOnlyList<UsageLineJson> Tickets, UsageLineJson Total, IReadOnlyList<UsageLineJson>? Profiles = null);
