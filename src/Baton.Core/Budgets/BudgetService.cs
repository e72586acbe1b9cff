using System.Globalization;
using Baton.Core.Events;
using Baton.Core.Storage;
using Baton.Core.Tickets;
using Baton.Core.Usage;
using Baton.Core.Workers;

namespace Baton.Core.Budgets;

/// <summary>
/// Budgets for every front door (`baton budget`, the MCP server's get_budget, the autopilot): set
/// and clear them, and see each against its spend with what is held back and why.
/// </summary>
public sealed class BudgetService
{
    private readonly IBudgetStore _budgets;
    private readonly IStore _store;
    private readonly IUsageStore _usage;
    private readonly ITicketStore _tickets;
    private readonly BudgetConfig _config;
    private readonly TimeProvider _time;

    public BudgetService(IBudgetStore budgets, IStore store, IUsageStore usage, ITicketStore tickets, BudgetConfig config, TimeProvider time)
    {
        _budgets = budgets;
        _store = store;
        _usage = usage;
        _tickets = tickets;
        _config = config;
        _time = time;
    }

    public BudgetConfig Config => _config;

    /// <summary>agents.tokens_per_hour, shown with the other holds.</summary>
    public IReadOnlyDictionary<string, long> TokensPerHour { get; init; } = new Dictionary<string, long>();

    /// <summary>The role and profile a ticket that has no worker yet would run as (the dispatcher's choice); null: not known.</summary>
    public Func<Ticket, (string? Role, string Agent)?>? RunsAs { get; init; }

    /// <summary>Claude Code's status-line windows, kept beside the usage rows; null: only the usage_window events.</summary>
    public IRateLimitReadings? RateLimits { get; init; }

    /// <summary>Each profile's latest report of each subscription window.</summary>
    public IReadOnlyList<UsageWindow> Windows(DateTimeOffset now) => UsageWindows.Latest(_store, now, RateLimits);

    public IReadOnlyList<Budget> List() => _budgets.List();

    /// <summary>Adds the budget, or replaces the one of the same period, metric and scope.</summary>
    public Budget Set(Budget budget)
    {
        ArgumentNullException.ThrowIfNull(budget);
        if (budget.Limit <= 0)
        {
            throw BatonException.Usage($"a budget's limit must be above 0 (got {budget.Format(budget.Limit)})");
        }

        if (budget.SoftPercent is < 1 or > 100)
        {
            throw BatonException.Usage($"--soft is a percent of the limit, 1 to 100 (got {budget.SoftPercent})");
        }

        var now = _time.GetUtcNow();
        var soft = budget.SoftOr(_config.SoftPercent);
        _budgets.Set(budget, new EventRecord
        {
            Time = now,
            Type = EventTypes.BudgetSet,
            Role = budget.Role,
            Message = $"{budget.Name} set to {budget.Format(budget.Limit)} (soft at {soft}%)",
            Metadata = Meta(budget, ("limit", budget.Limit.ToString(CultureInfo.InvariantCulture)), ("soft_percent", soft.ToString(CultureInfo.InvariantCulture))),
        });
        return budget;
    }

    /// <summary>Removes the budgets that match every filter given (none given: refused unless <paramref name="all"/>); returns them.</summary>
    public IReadOnlyList<Budget> Clear(BudgetPeriod? period, BudgetMetric? metric, string? role, string? agent, bool all)
    {
        if (!all && period is null && metric is null && role is null && agent is null)
        {
            throw BatonException.Usage("say which budgets to clear (--daily-usd, --per-ticket-tokens, --role, --agent, ...) or --all");
        }

        var gone = _budgets.List().Where(b => (period is null || b.Period == period) && (metric is null || b.Metric == metric)
            && (role is null || b.Role == role) && (agent is null || b.Agent == agent)).ToList();
        if (gone.Count == 0)
        {
            return gone;
        }

        _budgets.Remove(gone.Select(b => b.Key).ToList(), new EventRecord
        {
            Time = _time.GetUtcNow(),
            Type = EventTypes.BudgetCleared,
            Message = "cleared " + string.Join("; ", gone.Select(b => $"the {b.Name}")),
            Metadata = new Dictionary<string, string> { ["budgets"] = string.Join(",", gone.Select(b => b.Key)) },
        });
        return gone;
    }

    /// <summary>Where today began: local midnight.</summary>
    public DateTimeOffset DayStart(DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, _time.LocalTimeZone);
        return new DateTimeOffset(local.Date, _time.LocalTimeZone.GetUtcOffset(local.Date));
    }

    /// <summary>What spend is counted from, read now.</summary>
    public BudgetInputs Inputs(DateTimeOffset now)
    {
        var day = DayStart(now);
        // The workers first, the spend after: an agent live in this reading may record its closing
        // usage after it (and is counted by its reservation, Running); one ended before it did so
        // before it ended, so its usage is in the reading that follows.
        var workers = _store.ListWorkers(includeKilled: true);
        // A done ticket whose agent still runs has not reported its last usage: not history yet.
        var live = workers.Where(w => w.State.IsLive() && w.Ticket is not null).Select(w => w.Ticket!.Value).ToHashSet();
        return new BudgetInputs
        {
            Now = now,
            DayStart = day,
            UsageToday = _store.RecentEvents(new EventQuery(100_000, Type: EventTypes.WorkerUsage, Since: day)),
            Rows = _usage.List(),
            Workers = workers,
            Done = _tickets.Numbers(TicketStatus.Done).Where(n => !live.Contains(n)).ToList(),
        };
    }

    /// <summary>The tickets in progress with the role and profile they run as.</summary>
    public IReadOnlyList<(long Ticket, string? Role, string Agent)> Running(BudgetBook book, Func<Ticket, (string? Role, string Agent)?>? runsAs = null)
    {
        runsAs ??= RunsAs;
        ArgumentNullException.ThrowIfNull(book);
        var list = new List<(long, string?, string)>();
        // Testing and review too: an agent reports done before its last usage is recorded (a headless
        // stream's result comes after), and a reservation dropped at the report let the next ticket
        // start on spend nobody counted yet. What a ticket spent is taken off its reservation.
        var active = _tickets.ListTickets(new TicketQuery(TicketStatus.InProgress))
            .Concat(_tickets.ListTickets(new TicketQuery(TicketStatus.Testing)))
            .Concat(_tickets.ListTickets(new TicketQuery(TicketStatus.Review)));
        foreach (var t in active)
        {
            var worker = t.Assignee is { } name ? _store.GetWorker(name) : null;
            var scope = worker is not null ? (worker.Role, worker.Agent) : runsAs?.Invoke(t) ?? book.ScopeOf(t.Number);
            if (scope is { } s)
            {
                list.Add((t.Number, s.Role, s.Agent));
            }
        }

        // Done ones too while their agent still runs: a fast gate and merge land a ticket before its
        // headless agent's closing usage is in, and the next ticket would start on spend not counted.
        // "Still runs" as the book read it, before the spend: an agent that records its closing usage
        // and ends after that reading is then in the reservations, not in neither (Inputs).
        foreach (var w in book.Workers.Where(w => w.State.IsLive() && w.Ticket is not null))
        {
            var n = w.Ticket!.Value;
            if (list.TrueForAll(l => l.Item1 != n) && _tickets.GetTicket(n) is { Status: TicketStatus.Done })
            {
                list.Add((n, w.Role, w.Agent));
            }
        }

        return list;
    }

    /// <summary>Each budget against its spend, with what holds launches back and why.</summary>
    public BudgetOverview Overview()
    {
        var now = _time.GetUtcNow();
        var budgets = _budgets.List();
        var book = new BudgetBook(Inputs(now));
        var ledger = new BudgetLedger(budgets, book, Running(book));
        var lines = Lines(budgets, book, ledger);
        var held = new List<(string, string)>();
        foreach (var l in lines.Where(l => l.State == "hard" && l.Counts))
        {
            held.Add((l.Ticket ?? l.Budget.Scope, l.Ticket is { } id
                ? $"{id} spent {l.Budget.Format(l.Spent)} of its {l.Budget.Name} of {l.Budget.Format(l.Budget.Limit)}: it is not started again"
                : $"the {l.Budget.Name} is spent: {l.Budget.Format(l.Spent)} of {l.Budget.Format(l.Budget.Limit)} today; no new agent starts for {l.Budget.Scope} until tomorrow"));
        }

        // The next dispatch round as the ledger would admit it: each ready ticket a budget holds, and why.
        foreach (var t in RunsAs is null || budgets.Count == 0 ? [] : _tickets.ReadyTickets(500))
        {
            if (RunsAs!(t) is { } runs && ledger.Admit(new Dispatch.DispatchCandidate(t, runs.Role ?? "", runs.Agent)) is { } why)
            {
                held.Add((t.Id, why));
            }
        }

        var windows = Windows(now);
        foreach (var (agent, (why, _)) in UsageWindows.Held(windows, _config.WindowHold, now))
        {
            held.Add(("agent " + agent, why));
        }

        var rates = ProfileRates.At(_config, _store, now);
        foreach (var (agent, _, _) in rates.Left(now))
        {
            if (rates.Check(agent, now) is { } why)
            {
                held.Add(("agent " + agent, why));
            }
        }

        var live = _store.ListWorkers(includeKilled: false).Where(w => w.State.IsLive()).ToList();
        foreach (var (agent, why) in Dispatch.Supervisor.PausedAgents(live).Concat(Dispatch.TokenBudget.Spent(_store, TokensPerHour, now).Select(p => new KeyValuePair<string, string>(p.Agent, p.Why))))
        {
            held.Add(("agent " + agent, why));
        }

        return new BudgetOverview(now, book.DayStart, lines, held, windows, UsageReport.From(_usage.List()).Profiles);
    }

    /// <summary>The budgets against their spend (daily ones with what is reserved for running tickets).</summary>
    public IReadOnlyList<BudgetLine> Lines(IReadOnlyList<Budget> budgets, BudgetBook book, BudgetLedger ledger)
    {
        ArgumentNullException.ThrowIfNull(budgets);
        ArgumentNullException.ThrowIfNull(book);
        ArgumentNullException.ThrowIfNull(ledger);
        var lines = new List<BudgetLine>();
        var unfinished = budgets.Any(b => b.Period == BudgetPeriod.Ticket)
            ? _tickets.ListTickets(new TicketQuery()).Where(t => !t.Status.IsFinished()).ToList()
            : [];
        foreach (var b in budgets)
        {
            var soft = b.SoftOr(_config.SoftPercent);
            if (b.Period == BudgetPeriod.Day)
            {
                var spent = ledger.Spent(b);
                lines.Add(new BudgetLine(b, null, spent, ledger.Reserved(b), soft, BudgetLine.StateOf(spent, b.Limit, soft)));
                continue;
            }

            // The budget itself (what its dearest unfinished ticket spent), then each ticket that spent any.
            var tickets = unfinished
                .Select(t => (t.Id, Spent: book.Ticket(t.Number).Of(b.Metric), Scope: book.ScopeOf(t.Number)))
                .Where(t => t.Spent > 0 && t.Scope is { } s && b.Covers(s.Role, s.Agent))
                .Select(t => new BudgetLine(b, t.Id, t.Spent, 0, soft, BudgetLine.StateOf(t.Spent, b.Limit, soft)))
                .ToList();
            var top = tickets.Count == 0 ? 0 : tickets.Max(t => t.Spent);
            lines.Add(new BudgetLine(b, null, top, 0, soft, BudgetLine.StateOf(top, b.Limit, soft)));
            lines.AddRange(tickets);
        }

        return lines;
    }

    private static Dictionary<string, string> Meta(Budget b, params (string Key, string Value)[] more)
    {
        var meta = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["budget"] = b.Key,
            ["period"] = Budget.PeriodText(b.Period),
            ["metric"] = Budget.MetricText(b.Metric),
        };
        if (b.Role is { } r)
        {
            meta["role"] = r;
        }

        if (b.Agent is { } a)
        {
            meta["agent"] = a;
        }

        foreach (var (k, v) in more)
        {
            meta[k] = v;
        }

        return meta;
    }
}
