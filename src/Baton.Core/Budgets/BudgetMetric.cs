namespace Baton.Core.Budgets;

/// <summary>What a budget counts: dollars the agents reported, tokens (fresh input, cache writes and output), or agent wall time.</summary>
public enum BudgetMetric
{
    Usd,
    Tokens,
    Wall,
}
