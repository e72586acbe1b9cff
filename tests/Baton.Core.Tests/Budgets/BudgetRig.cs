using Baton.Core.Budgets;
using Baton.Core.Dispatch;
using Baton.Core.Events;
using Baton.Core.Tests.Fakes;
using Baton.Core.Storage;
using Baton.Core.Tickets;
using Baton.Core.Usage;
using Baton.Core.Workers;

namespace Baton.Core.Tests.Budgets;

/// <summary>Budgets over the real SQLite store on the fake clock: usage is recorded as the supervisor records an agent's turn.</summary>
internal sealed class BudgetRig : IDisposable
{
    public AutopilotRig Rig { get; } = new();

    public BudgetConfig Config { get; set; } = new();

    /// <summary>Claude Code's status-line readings; null: none.</summary>
    public IRateLimitReadings? Readings { get; set; }

    public BudgetService Service => new(Rig.Db.Budgets, Rig.Store, Rig.Db.Usage, Rig.Tickets, Config, Rig.Time) { RateLimits = Readings };

    /// <summary>The loop's step, with every ticket running as the default role on the scripted agent.</summary>
    public BudgetWatch Watch() => new(Service, Rig.Store, Rig.Time, t => new DispatchCandidate(t, "worker", "scripted"));

    public void Set(BudgetPeriod period, BudgetMetric metric, decimal limit, int? soft = null) =>
        Service.Set(new Budget { Period = period, Metric = metric, Limit = limit, SoftPercent = soft });

    public Ticket Ready(string title)
    {
        var now = Rig.Time.GetUtcNow();
        return Rig.Tickets.CreateTicket(new Ticket { Number = 0, Title = title, Status = TicketStatus.Open, CreatedAt = now, UpdatedAt = now },
            t => new EventRecord { Time = now, Type = EventTypes.TicketCreated, Ticket = t.Id, Message = "created" });
    }

    /// <summary>A ticket in progress with its live worker.</summary>
    public (Ticket Ticket, Worker Worker) Running(string worker)
    {
        var ticket = Rig.InProgress(worker);
        return (ticket, Rig.AddWorker(worker, WorkerState.Busy, ticket.Number, WorkerMode.Headless, role: "worker"));
    }

    /// <summary>One turn of the worker's agent: its usage row and its worker_usage event, in one transaction.</summary>
    public void Turn(Worker worker, long tokens, decimal? usd = null)
    {
        var used = new TokenUsage(tokens, 0, 0, 0, usd);
        Rig.Db.Usage.Record(worker, new UsageUpdate(used, null, [UsageEvents.For(worker, used, Rig.Time.GetUtcNow())]));
    }

    public void Finish(long ticket) => Rig.Tickets.Mutate(ticket, t => new TicketMutation(t with { Status = TicketStatus.Done, UpdatedAt = Rig.Time.GetUtcNow() }, []));

    public DispatchCandidate Candidate(Ticket t) => new(t, "worker", "scripted");

    /// <summary>One dispatch round as Autopilot.Dispatch makes it: the watch's gate in the real planner.</summary>
    public DispatchPlan Plan(IReadOnlyList<Ticket> ready, int maxWorkers = 8, BudgetWatch? watch = null)
    {
        var gate = (watch ?? Watch()).Step(new TickReport());
        return DispatchPlanner.Plan(ready.Select(Candidate).ToList(), [], new DispatchLimits { MaxWorkers = maxWorkers, SpawnTokens = maxWorkers, AgentsHeld = gate.AgentsHeld, Admit = gate.Admit });
    }

    /// <summary>Claims what the plan starts, as the loop does (each claim writes its task_dispatched event).</summary>
    public void Claim(DispatchPlan plan)
    {
        Rig.Git.Checkout = "main";
        var dispatcher = new Dispatcher(Rig.Config, "scripted", Rig.Time, Rig.Tickets, Rig.Git, () => Rig.Roles, Rig.Profiles, Rig.Paths, Rig.Files);
        foreach (var c in plan.Start)
        {
            _ = dispatcher.Claim(c) ?? throw new InvalidOperationException($"{c.Ticket.Id} could not be claimed");
        }
    }

    public IReadOnlyList<EventRecord> Notifications(string kind) =>
        Rig.Events(EventTypes.Notification).Where(e => e.Metadata?.GetValueOrDefault("kind") == kind).ToList();

    public void Dispose() => Rig.Dispose();
}
