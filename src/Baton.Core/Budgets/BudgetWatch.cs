using System.Globalization;
using Baton.Core.Dispatch;
using Baton.Core.Events;
using Baton.Core.Storage;

namespace Baton.Core.Budgets;

/// <summary>
/// The autopilot's budget step, before each dispatch round: tells a person once per budget and
/// period when its soft or hard limit is crossed (a notification event), records each
/// subscription-window hold once, and hands the planner the gate: profiles held by their window,
/// and the per-ticket admission (rates, per-ticket budgets, daily budgets with reservation).
/// Owned by the loop's thread.
/// </summary>
public sealed class BudgetWatch
{
    private readonly BudgetService _service;
    private readonly IStore _store;
    private readonly TimeProvider _time;
    private readonly Func<Tickets.Ticket, (string? Role, string Agent)?> _runsAs;
    private HashSet<string>? _told;

    /// <param name="candidateFor">The role and profile a ticket runs with (the dispatcher's choice).</param>
    public BudgetWatch(BudgetService service, IStore store, TimeProvider time, Func<Tickets.Ticket, DispatchCandidate> candidateFor)
    {
        ArgumentNullException.ThrowIfNull(service);
        _service = service;
        _runsAs = t => RunsAs(candidateFor, t);
        _store = store;
        _time = time;
    }

    public BudgetGate Step(TickReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var now = _time.GetUtcNow();
        var config = _service.Config;
        var told = _told ??= Told();
        var held = new Dictionary<string, string>(StringComparer.Ordinal);
        if (config.WindowHold > 0)
        {
            foreach (var (agent, (why, until)) in UsageWindows.Held(_service.Windows(now), config.WindowHold, now))
            {
                held[agent] = why;
                Tell(told, $"window:{agent}", until.UtcDateTime.ToString("O", CultureInfo.InvariantCulture), "budget_window", null, why, now, report);
            }
        }

        var rates = ProfileRates.At(config, _store, now);
        var budgets = _service.List();
        BudgetLedger? ledger = null;
        if (budgets.Count > 0)
        {
            var book = new BudgetBook(_service.Inputs(now));
            ledger = new BudgetLedger(budgets, book, _service.Running(book, _runsAs));
            foreach (var line in _service.Lines(budgets, book, ledger).Where(l => l.State != "ok" && l.Counts))
            {
                var b = line.Budget;
                var period = line.Ticket ?? book.DayStart.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                var what = line.Ticket is { } id ? $"{id} spent {b.Format(line.Spent)} of its {b.Name}" : $"{b.Scope} spent {b.Format(line.Spent)} today of the {b.Name}";
                var message = line.State == "hard"
                    ? $"{what} of {b.Format(b.Limit)}: hard limit reached; no new agent starts for {(line.Ticket ?? b.Scope)}" + (line.Ticket is null ? " until tomorrow" : "")
                    : $"{what} of {b.Format(b.Limit)}: past its soft limit of {line.SoftPercent}%";
                Tell(told, $"{b.Key}:{line.State}", period, line.State == "hard" ? "budget_exceeded" : "budget_crossed", line.Ticket, message, now, report);
            }
        }

        if (!rates.Any && ledger is null)
        {
            return new BudgetGate(held, null);
        }

        return new BudgetGate(held, c =>
        {
            var why = rates.Check(c.Agent, now) ?? ledger?.Admit(c);
            if (why is null)
            {
                rates.Launched(c.Agent, now);
            }

            return why;
        })
        { SpentOut = ledger?.SpentOut ?? new HashSet<long>() };
    }

    private static (string? Role, string Agent)? RunsAs(Func<Tickets.Ticket, DispatchCandidate> candidateFor, Tickets.Ticket ticket)
    {
        try
        {
            var c = candidateFor(ticket);
            return (c.Role, c.Agent);
        }
        catch (BatonException)
        {
            return null; // an unknown role or agent: counted against no scope
        }
    }

    /// <summary>The crossings already told (by an earlier run too): one notification per budget, level and period.</summary>
    private HashSet<string> Told() =>
        _store.RecentEvents(new EventQuery(5000, Type: EventTypes.Notification))
            .Where(e => e.Metadata?.GetValueOrDefault("budget") is not null)
            .Select(e => e.Metadata!["budget"] + "|" + e.Metadata.GetValueOrDefault("budget_period"))
            .ToHashSet(StringComparer.Ordinal);

    private void Tell(HashSet<string> told, string key, string period, string kind, string? ticket, string message, DateTimeOffset now, TickReport report)
    {
        if (!told.Add(key + "|" + period))
        {
            return;
        }

        _store.AppendEvent(new EventRecord
        {
            Time = now,
            Type = EventTypes.Notification,
            Ticket = ticket,
            Message = message,
            Metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["kind"] = kind, ["budget"] = key, ["budget_period"] = period },
        });
        report.Add(kind, ticket, null, message, new Dictionary<string, string> { ["budget"] = key });
    }
}
