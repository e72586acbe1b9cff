namespace Baton.Cli.Rendering;

/// <summary>One budget of `baton budget --json` against its spend (a per-ticket budget once per ticket that spent any).</summary>
public sealed record BudgetLineJson(
    string Key,
    string Period,
    string Metric,
    string? Role,
    string? Agent,
    string? Ticket,
    decimal Limit,
    decimal Spent,
    decimal Reserved,
    decimal Left,
    int SoftPercent,
    string State,
    string Text);

/// <summary>Something that holds new launches back: the scope (all work, role R, agent A, T-n) and why.</summary>
public sealed record BudgetHoldJson(string Scope, string Why);

/// <summary>A subscription window an agent reported.</summary>
public sealed record UsageWindowJson(string Agent, string Window, double UsedPercent, DateTimeOffset? ResetsAt, DateTimeOffset ReportedAt);

/// <summary>`baton budget --json`.</summary>
public sealed record BudgetJson(
    DateTimeOffset At,
    DateTimeOffset DayStart,
    IReadOnlyList<BudgetLineJson> Budgets,
    IReadOnlyList<BudgetHoldJson> Held,
    IReadOnlyList<UsageWindowJson> Windows,
    IReadOnlyList<UsageLineJson> Profiles);
