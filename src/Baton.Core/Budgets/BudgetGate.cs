using Baton.Core.Dispatch;

namespace Baton.Core.Budgets;

/// <summary>What the budgets let through this dispatch round: profiles held as a whole, and the per-ticket admission (which reserves).</summary>
public sealed record BudgetGate(IReadOnlyDictionary<string, string> AgentsHeld, Func<DispatchCandidate, string?>? Admit)
{
    public static BudgetGate Open { get; } = new(new Dictionary<string, string>(), null);

    /// <summary>Tickets <see cref="Admit"/> refused because a budget is spent for them (filled as it is asked): they cannot start today.</summary>
    public IReadOnlySet<long> SpentOut { get; init; } = new HashSet<long>();
}
