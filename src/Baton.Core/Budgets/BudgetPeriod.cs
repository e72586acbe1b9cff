namespace Baton.Core.Budgets;

/// <summary>What a budget's spend is counted over: the local calendar day, or one ticket's life (every attempt).</summary>
public enum BudgetPeriod
{
    Day,
    Ticket,
}
