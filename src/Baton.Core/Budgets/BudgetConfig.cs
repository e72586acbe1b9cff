namespace Baton.Core.Budgets;

/// <summary>The <c>budgets:</c> section of config.yaml (the budgets themselves live in the store: `baton budget set`).</summary>
public sealed record BudgetConfig
{
    /// <summary>Percent of a budget at which a soft notification goes out, when the budget names none (<c>budgets.soft_percent</c>).</summary>
    public int SoftPercent { get; init; } = 80;

    /// <summary>
    /// Percent of a subscription window (Codex's primary/secondary, Claude Code's five-hour/seven-day)
    /// at which a profile takes no new launch until the window resets (<c>budgets.window_hold</c>); 0: never.
    /// </summary>
    public int WindowHold { get; init; } = 90;

    /// <summary>Requests a minute per profile (<c>budgets.requests_per_minute</c>): each launch and each reported turn takes one.</summary>
    public IReadOnlyDictionary<string, long> RequestsPerMinute { get; init; } = new Dictionary<string, long>(StringComparer.Ordinal);

    /// <summary>Tokens a minute per profile (<c>budgets.tokens_per_minute</c>): each reported turn takes its tokens.</summary>
    public IReadOnlyDictionary<string, long> TokensPerMinute { get; init; } = new Dictionary<string, long>(StringComparer.Ordinal);
}
