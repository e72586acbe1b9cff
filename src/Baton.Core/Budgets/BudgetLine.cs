namespace Baton.Core.Budgets;

/// <summary>
/// One budget against its spend: a daily budget once, a per-ticket budget once per unfinished
/// ticket it covers that spent anything. <see cref="State"/> is ok, soft (past the soft percent)
/// or hard (at the limit: no new agent starts in its scope).
/// </summary>
public sealed record BudgetLine(Budget Budget, string? Ticket, decimal Spent, decimal Reserved, int SoftPercent, string State)
{
    public decimal Left => Math.Max(0, Budget.Limit - Spent);

    /// <summary>
    /// False for a per-ticket budget's own line (<see cref="Spent"/> is its dearest ticket's): only
    /// daily budgets and per-ticket lines of a ticket hold anything back or notify.
    /// </summary>
    public bool Counts => Budget.Period == BudgetPeriod.Day || Ticket is not null;

    public static string StateOf(decimal spent, decimal limit, int softPercent) =>
        spent >= limit ? "hard" : spent >= limit * softPercent / 100m ? "soft" : "ok";
}
