using Baton.Core.Dispatch;
using Baton.Core.Events;
using Baton.Core.Storage;
using Baton.Core.Tickets;
using Baton.Core.Usage;
using Baton.Core.Workers;

namespace Baton.Core.Handoff;

/// <summary>A handoff the autopilot is to start: whose, and what set it off.</summary>
public sealed record DueHandoff(Ticket Ticket, Worker Worker, string Trigger, double? Percent);

/// <summary>
/// The autopilot's automatic handoffs: each tick, every in-progress ticket whose live worker's
/// context reached handoff.at (asked first), handoff.force (at once, from Baton's record) or
/// whose Claude Code is about to compact (its PreCompact hook; at once) is handed over in the
/// background. One automatic handoff per worker: a failed one is reported, not retried.
/// </summary>
public sealed class HandoffWatch
{
    private readonly AutopilotContext _c;
    private readonly Dictionary<long, Task<HandoffRow>> _running = [];

    public HandoffWatch(AutopilotContext context)
    {
        _c = context;
    }

    public IEnumerable<Task> Running => _running.Values.Where(t => !t.IsCompleted);

    /// <summary>What the fill calls for: null (nothing yet), <c>threshold</c> (ask, then hand over), <c>force</c> or <c>precompact</c> (at once). Pure.</summary>
    public static string? Decide(double? percent, HandoffConfig config, bool compacting)
    {
        ArgumentNullException.ThrowIfNull(config);
        return compacting ? "precompact"
            : percent >= config.Force ? "force"
            : percent >= config.At ? "threshold"
            : null;
    }

    /// <summary>The handoffs due now. Pure: a ticket already being started, handed over, or whose worker was handed over before is left out.</summary>
    public static IReadOnlyList<DueHandoff> Due(
        IEnumerable<Ticket> inProgress, IReadOnlyDictionary<string, Worker> workers, IReadOnlyDictionary<string, ContextGauge> gauges,
        IReadOnlyCollection<HandoffRow> earlier, IReadOnlySet<string> compacting, IReadOnlySet<long> busy, HandoffConfig config)
    {
        ArgumentNullException.ThrowIfNull(inProgress);
        var due = new List<DueHandoff>();
        foreach (var t in inProgress)
        {
            if (busy.Contains(t.Number) || t.Assignee is not { } name || !workers.TryGetValue(name, out var w) || !w.State.IsLive()
                || w.State == WorkerState.Paused || earlier.Any(h => h.FromWorker == name && (h.Ticket == t.Number)))
            {
                continue;
            }

            var percent = gauges.GetValueOrDefault(name)?.Percent;
            if (Decide(percent, config, compacting.Contains(name)) is { } trigger)
            {
                due.Add(new DueHandoff(t, w, trigger, percent));
            }
        }

        return due;
    }

    public void Step(TickReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (_c.Handoffs is not { } store || _c.Diffs is null || _c.Workers.Usage is not { } usage)
        {
            return;
        }

        foreach (var (number, task) in _running.Where(r => r.Value.IsCompleted).ToList())
        {
            _running.Remove(number);
            var what = number == 0 ? "the prophet" : TicketId.Format(number);
            report.Add(task.IsCompletedSuccessfully
                ? $"{what} handed over to {task.Result.ToWorker} ({task.Result.IdText})"
                : $"{what}: handoff failed: {task.Exception?.GetBaseException().Message}");
        }

        var config = _c.Workers.Config.Handoff;
        var now = _c.Time.GetUtcNow();
        var tickets = _c.Tickets.ListTickets(new TicketQuery(TicketStatus.InProgress));
        var workers = _c.Store.ListWorkers(includeKilled: false).ToDictionary(w => w.Name, StringComparer.Ordinal);
        var prophet = workers.GetValueOrDefault(ProphetHandoff.Worker) is { } pw && ProphetHandoff.Is(pw) ? pw : null;
        if (tickets.Count == 0 && prophet is null)
        {
            return;
        }

        var gauges = new Dictionary<string, ContextGauge>(StringComparer.Ordinal);
        foreach (var row in usage.List())
        {
            if (workers.ContainsKey(row.Worker) && ContextGauge.Of(row.Agent, row.Context, config.Windows) is { } g)
            {
                gauges[row.Worker] = g;
            }
        }

        // A PreCompact hook taken in lately: Claude Code is about to compact; a fresh agent takes over instead of a compacted one.
        var compacting = _c.Store.RecentEvents(new EventQuery(200, Type: EventTypes.WorkerHook, Since: now - TimeSpan.FromMinutes(10)))
            .Where(e => e.Worker is not null && e.Message.StartsWith("hook: PreCompact", StringComparison.Ordinal)).Select(e => e.Worker!).ToHashSet(StringComparer.Ordinal);
        var busy = store.Underway(now - HandoffService.StaleAfter).Concat(_running.Keys).ToHashSet();
        var earlier = store.List(null);
        // The prophet's fill triggers the same handoff; its own runs are keyed 0 (no ticket has that number).
        // Each of its runs (a successor is a new run of the same name) is handed over once, automatically.
        // Its successor has the same name: only the latest run's row (a fresh one has no fill yet) counts.
        var prophetPercent = prophet is null ? null
            : ContextGauge.Of(prophet.Agent, usage.List().LastOrDefault(r => r.Worker == prophet.Name)?.Context, config.Windows)?.Percent;
        if (prophet is not null && !_running.ContainsKey(0) && prophet.State.IsLive() && prophet.State != WorkerState.Paused
            && !earlier.Any(h => h.Ticket is null && (h.IsUnderway || h.TriggeredAt >= prophet.CreatedAt))
            && Decide(prophetPercent, config, compacting.Contains(prophet.Name) && !earlier.Any(h => h.Ticket is null && h.FinishedAt >= now - TimeSpan.FromMinutes(10))) is { } prophetTrigger)
        {
            report.Add($"the prophet is at {prophetPercent:0.#}% of its context; handing over ({prophetTrigger})");
            _running[0] = Start(new HandoffRequest { Worker = prophet.Name, Now = prophetTrigger != "threshold", Trigger = prophetTrigger, TriggeredAt = now });
        }

        foreach (var d in Due(tickets, workers, gauges, earlier, compacting, busy, config))
        {
            report.Add($"{d.Ticket.Id}: {d.Worker.Name} {(d.Trigger == "precompact" ? "is about to compact its context" : $"is at {d.Percent:0.#}% of its context")}; handing over ({d.Trigger})");
            var request = new HandoffRequest { Worker = d.Worker.Name, Now = d.Trigger != "threshold", Trigger = d.Trigger, TriggeredAt = now };
            _running[d.Ticket.Number] = Start(request);
        }
    }

    private Task<HandoffRow> Start(HandoffRequest request)
    {
        var isolate = _c.Isolate;
        if (isolate is null)
        {
            return new HandoffService(_c, _c.Handoffs!, _c.Diffs!).HandOffAsync(request, CancellationToken.None);
        }

        return Task.Run(async () =>
        {
            var (context, lease) = isolate(_c);
            using (lease)
            {
                return await new HandoffService(context, context.Handoffs!, context.Diffs!).HandOffAsync(request, CancellationToken.None).ConfigureAwait(false);
            }
        });
    }
}
