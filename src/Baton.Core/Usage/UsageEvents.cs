using System.Globalization;
using Baton.Core.Events;
using Baton.Core.Workers;

namespace Baton.Core.Usage;

/// <summary>
/// The worker_usage event for tokens a worker used (what <c>agents.tokens_per_hour</c> adds up),
/// the same whether they came from a headless stream or a TUI agent's transcript.
/// </summary>
public static class UsageEvents
{
    public static EventRecord For(Worker worker, TokenUsage t, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentNullException.ThrowIfNull(t);
        var meta = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["agent"] = worker.Agent,
            ["tokens"] = Invariant(t.Budgeted),
            ["input"] = Invariant(t.Input),
            ["output"] = Invariant(t.Output),
            ["cache_creation"] = Invariant(t.CacheCreation),
            ["cache_read"] = Invariant(t.CacheRead),
        };
        if (t.CostUsd is { } cost)
        {
            meta["cost_usd"] = cost.ToString(CultureInfo.InvariantCulture);
        }

        return new EventRecord
        {
            Time = now,
            Type = EventTypes.WorkerUsage,
            Worker = worker.Name,
            Ticket = worker.TicketId,
            Role = worker.Role,
            Message = $"{Invariant(t.Budgeted)} tokens (input {Invariant(t.Input)}, output {Invariant(t.Output)}, cache write {Invariant(t.CacheCreation)}, cache read {Invariant(t.CacheRead)})"
                + (t.CostUsd is { } c ? $", ${c.ToString(CultureInfo.InvariantCulture)}" : ""),
            Metadata = meta,
        };
    }

    private static string Invariant(long n) => n.ToString(CultureInfo.InvariantCulture);
}
