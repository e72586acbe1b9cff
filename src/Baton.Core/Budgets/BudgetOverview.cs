namespace Baton.Core.Budgets;

/// <summary>Every budget against its spend, what holds launches back and why, the windows the agents reported, and spend per profile.</summary>
public sealed record BudgetOverview(
    DateTimeOffset At,
    DateTimeOffset DayStart,
    IReadOnlyList<BudgetLine> Budgets,
    IReadOnlyList<(string Scope, string Why)> Held,
    IReadOnlyList<UsageWindow> Windows,
    IReadOnlyList<Usage.UsageLine> Profiles);
