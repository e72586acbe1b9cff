using Baton.Core.Events;

namespace Baton.Core.Budgets;

/// <summary>The budgets `baton budget set` stored (table budgets).</summary>
public interface IBudgetStore
{
    /// <summary>Every budget, in the order they were first set.</summary>
    IReadOnlyList<Budget> List();

    /// <summary>Adds the budget or replaces the one with its <see cref="Budget.Key"/>, with its event, in one transaction.</summary>
    void Set(Budget budget, EventRecord recorded);

    /// <summary>Removes the budgets with these keys, with the event, in one transaction; returns how many went.</summary>
    int Remove(IReadOnlyCollection<string> keys, EventRecord recorded);
}
