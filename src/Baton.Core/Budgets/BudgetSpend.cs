namespace Baton.Core.Budgets;

/// <summary>What some work spent: the dollars its agents reported, its budgeted tokens, its agents' wall time.</summary>
public sealed record BudgetSpend(decimal Usd, long Tokens, TimeSpan Wall)
{
    public static BudgetSpend Zero { get; } = new(0, 0, TimeSpan.Zero);

    /// <summary>The figure a budget of <paramref name="metric"/> compares with its limit (wall time in seconds).</summary>
    public decimal Of(BudgetMetric metric) => metric switch
    {
        BudgetMetric.Usd => Usd,
        BudgetMetric.Tokens => Tokens,
        _ => (decimal)Math.Round(Wall.TotalSeconds, 3),
    };

    public static BudgetSpend operator +(BudgetSpend a, BudgetSpend b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return new(a.Usd + b.Usd, a.Tokens + b.Tokens, a.Wall + b.Wall);
    }

    public static BudgetSpend Add(BudgetSpend a, BudgetSpend b) => a + b;
}
