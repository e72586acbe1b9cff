using Baton.Core.Events;
using Baton.Core.Usage;
using Baton.Core.Workers;

namespace Baton.Core.Budgets;

/// <summary>What spend is counted from, read from the store in one go: today's worker_usage events, the usage rows, the workers.</summary>
public sealed record BudgetInputs
{
    public required DateTimeOffset Now { get; init; }

    /// <summary>Local midnight: where the daily budgets' day begins.</summary>
    public required DateTimeOffset DayStart { get; init; }

    /// <summary>worker_usage events since <see cref="DayStart"/> (metadata agent, tokens, cost_usd; the event's role).</summary>
    public IReadOnlyList<EventRecord> UsageToday { get; init; } = [];

    /// <summary>Every usage row (one per worker run): what each ticket spent, over all its attempts.</summary>
    public IReadOnlyList<UsageRow> Rows { get; init; } = [];

    /// <summary>Every worker, killed ones too: wall time, and each ticket's role and profile.</summary>
    public IReadOnlyList<Worker> Workers { get; init; } = [];

    /// <summary>Tickets that are done: the average of what they spent is the expected spend of a new one.</summary>
    public IReadOnlyCollection<long> Done { get; init; } = [];
}
