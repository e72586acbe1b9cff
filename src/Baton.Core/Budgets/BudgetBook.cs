using System.Globalization;
using Baton.Core.Workers;

namespace Baton.Core.Budgets;

/// <summary>
/// Spend by scope and by ticket, from <see cref="BudgetInputs"/>. Pure. A day's dollars and tokens
/// are today's worker_usage events (so a ticket begun yesterday counts what it used today); a
/// ticket's are its usage rows over every attempt; wall time is the time Baton's agents lived
/// (spawn to end), clipped to the day for daily budgets.
/// </summary>
public sealed class BudgetBook
{
    private readonly BudgetInputs _in;
    private readonly Dictionary<long, BudgetSpend> _tickets = [];
    private readonly Dictionary<long, (string? Role, string Agent)> _scopes = [];

    public BudgetBook(BudgetInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        _in = inputs;
        foreach (var r in inputs.Rows.Where(r => r.Ticket is not null))
        {
            Add(r.Ticket!.Value, new BudgetSpend(r.Tokens.CostUsd ?? 0, r.Tokens.Budgeted, TimeSpan.Zero));
        }

        foreach (var w in inputs.Workers.Where(w => w.Ticket is not null).OrderBy(w => w.CreatedAt))
        {
            Add(w.Ticket!.Value, new BudgetSpend(0, 0, Lived(w, w.CreatedAt)));
            _scopes[w.Ticket.Value] = (w.Role, w.Agent); // the latest worker's: what the ticket runs as now
        }
    }

    public DateTimeOffset Now => _in.Now;

    /// <summary>Every worker as read with the spend, before it (<see cref="BudgetService.Inputs"/>).</summary>
    public IReadOnlyList<Worker> Workers => _in.Workers;
    public DateTimeOffset DayStart => _in.DayStart;

    /// <summary>What the work <paramref name="budget"/> covers spent today.</summary>
    public BudgetSpend Today(Budget budget)
    {
        ArgumentNullException.ThrowIfNull(budget);
        decimal usd = 0;
        long tokens = 0;
        foreach (var e in _in.UsageToday)
        {
            var m = e.Metadata;
            if (m is null || !budget.Covers(e.Role, m.GetValueOrDefault("agent")))
            {
                continue;
            }

            tokens += long.TryParse(m.GetValueOrDefault("tokens"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;
            usd += decimal.TryParse(m.GetValueOrDefault("cost_usd"), NumberStyles.Float, CultureInfo.InvariantCulture, out var c) ? c : 0;
        }

        var wall = _in.Workers.Where(w => budget.Covers(w.Role, w.Agent)).Aggregate(TimeSpan.Zero, (acc, w) => acc + Lived(w, _in.DayStart));
        return new BudgetSpend(usd, tokens, wall);
    }

    /// <summary>What the ticket spent over all its attempts.</summary>
    public BudgetSpend Ticket(long ticket) => _tickets.TryGetValue(ticket, out var s) ? s : BudgetSpend.Zero;

    /// <summary>The role and profile the ticket's latest agent ran as; null before its first.</summary>
    public (string? Role, string Agent)? ScopeOf(long ticket) => _scopes.TryGetValue(ticket, out var s) ? s : null;

    /// <summary>
    /// What a ticket of <paramref name="role"/> on <paramref name="agent"/> is expected to spend of
    /// <paramref name="metric"/>: the average of the done tickets in <paramref name="scope"/>'s scope
    /// that spent any; without such history the smallest per-ticket budget that would cap it; else nothing.
    /// </summary>
    public decimal Expected(Budget scope, BudgetMetric metric, string? role, string agent, IEnumerable<Budget> perTicket)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(perTicket);
        var history = _in.Done
            .Where(n => ScopeOf(n) is { } s && scope.Covers(s.Role, s.Agent))
            .Select(n => Ticket(n).Of(metric))
            .Where(v => v > 0)
            .ToList();
        if (history.Count > 0)
        {
            return history.Average();
        }

        var caps = perTicket.Where(b => b.Period == BudgetPeriod.Ticket && b.Metric == metric && b.Covers(role, agent)).Select(b => b.Limit).ToList();
        return caps.Count > 0 ? caps.Min() : 0;
    }

    private void Add(long ticket, BudgetSpend s) => _tickets[ticket] = Ticket(ticket) + s;

    /// <summary>How long the worker lived after <paramref name="from"/>: to its end, or now while it runs.</summary>
    private TimeSpan Lived(Worker w, DateTimeOffset from)
    {
        var end = w.EndedAt ?? (w.State.IsLive() ? _in.Now : w.StateSince);
        var start = w.CreatedAt > from ? w.CreatedAt : from;
        return end > start ? end - start : TimeSpan.Zero;
    }
}
