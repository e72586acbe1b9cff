using System.Globalization;

namespace Baton.Core.Budgets;

/// <summary>
/// One budget: a limit on <see cref="Metric"/> over <see cref="Period"/>, for the work of a role,
/// an agent profile, both, or (neither given) all work. Past <see cref="SoftPercent"/> of it a
/// person is told once per period; at the limit no new agent starts in its scope.
/// </summary>
public sealed record Budget
{
    public required BudgetPeriod Period { get; init; }
    public required BudgetMetric Metric { get; init; }

    /// <summary>Dollars, tokens, or seconds of wall time.</summary>
    public required decimal Limit { get; init; }

    /// <summary>Percent of <see cref="Limit"/> for the soft notification; null: <c>budgets.soft_percent</c>.</summary>
    public int? SoftPercent { get; init; }

    public string? Role { get; init; }
    public string? Agent { get; init; }

    /// <summary>The one budget per period, metric and scope: setting it again replaces it.</summary>
    public string Key => $"{PeriodText(Period)}.{MetricText(Metric)}:{Role ?? "*"}:{Agent ?? "*"}";

    /// <summary>"all work", "role reviewer", "agent claude", "role reviewer on agent claude".</summary>
    public string Scope => (Role, Agent) switch
    {
        (null, null) => "all work",
        ({ } r, null) => $"role {r}",
        (null, { } a) => $"agent {a}",
        ({ } r, { } a) => $"role {r} on agent {a}",
    };

    /// <summary>"daily usd budget of all work", "per-ticket tokens budget of role reviewer".</summary>
    public string Name => $"{(Period == BudgetPeriod.Day ? "daily" : "per-ticket")} {MetricText(Metric)} budget of {Scope}";

    /// <summary>Whether work of <paramref name="role"/> on <paramref name="agent"/> counts against this budget.</summary>
    public bool Covers(string? role, string? agent) =>
        (Role is null || string.Equals(Role, role, StringComparison.Ordinal)) && (Agent is null || string.Equals(Agent, agent, StringComparison.Ordinal));

    public int SoftOr(int fallback) => SoftPercent ?? fallback;

    /// <summary>An amount of this budget's metric for people: $1.2300, 1200000 tokens, 1h05m.</summary>
    public string Format(decimal amount) => Format(Metric, amount);

    public static string Format(BudgetMetric metric, decimal amount) => metric switch
    {
        BudgetMetric.Usd => "$" + amount.ToString("0.00##", CultureInfo.InvariantCulture),
        BudgetMetric.Tokens => decimal.Round(amount).ToString("0", CultureInfo.InvariantCulture) + " tokens",
        _ => amount < 1 ? "0s" : Config.Durations.Format(TimeSpan.FromSeconds((double)decimal.Round(amount))),
    };

    public static string MetricText(BudgetMetric metric) => metric switch
    {
        BudgetMetric.Usd => "usd",
        BudgetMetric.Tokens => "tokens",
        _ => "wall",
    };

    public static string PeriodText(BudgetPeriod period) => period == BudgetPeriod.Day ? "day" : "ticket";

    public static BudgetMetric? ParseMetric(string text) => text switch
    {
        "usd" => BudgetMetric.Usd,
        "tokens" => BudgetMetric.Tokens,
        "wall" => BudgetMetric.Wall,
        _ => null,
    };

    public static BudgetPeriod? ParsePeriod(string text) => text switch
    {
        "day" => BudgetPeriod.Day,
        "ticket" => BudgetPeriod.Ticket,
        _ => null,
    };
}
