using Baton.Core.Budgets;
using Baton.Core.Events;
using Baton.Core.Dispatch;
using Baton.Core.Storage;
using Baton.Core.Tickets;
using Baton.Core.Workers;
using Xunit;

namespace Baton.Core.Tests.Budgets;

/// <summary>Hard and soft limits, reservation at dispatch, on the real store and the fake clock.</summary>
public sealed class BudgetPolicyTests
{
    [Fact]
    public void The_turn_that_crosses_a_hard_limit_stops_the_next_dispatch_round()
    {
        // Given a daily budget of 1000 tokens, one ticket running and one ready
        using var b = new BudgetRig();
        b.Set(BudgetPeriod.Day, BudgetMetric.Tokens, 1000);
        var (_, worker) = b.Running("w1");
        var ready = b.Ready("Next");
        var watch = b.Watch();

        // When the running agent's turns add up to 900 tokens, then one more turn of 300
        b.Turn(worker, 900);
        var before = b.Plan([ready], watch: watch);
        b.Turn(worker, 300);
        var after = b.Plan([ready], watch: watch);
        var again = b.Plan([ready], watch: watch);

        // Then the round before the crossing starts it, the round after holds it and says why,
        // and the crossing is recorded (and notified) once
        Assert.Single(before.Start);
        Assert.Empty(after.Start);
        Assert.Equal("the daily tokens budget of all work is spent: 1200 tokens of 1000 tokens today (hard limit)", Assert.Single(after.Waiting).Reason);
        Assert.Empty(again.Start);
        var told = Assert.Single(b.Notifications("budget_exceeded"));
        Assert.Contains("hard limit reached", told.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Eight_ready_tickets_start_only_as_many_as_their_reserved_spend_fits()
    {
        // Given a daily budget of 3500 tokens, a per-ticket budget of 1000 (the estimate before any
        // ticket finished), and eight ready tickets with eight free slots
        using var b = new BudgetRig();
        b.Set(BudgetPeriod.Day, BudgetMetric.Tokens, 3500);
        b.Set(BudgetPeriod.Ticket, BudgetMetric.Tokens, 1000);
        var ready = Enumerable.Range(1, 8).Select(i => b.Ready($"Job {i}")).ToList();

        // When the loop plans one round
        var plan = b.Plan(ready);

        // Then three start (3 x 1000 reserved), and the rest wait, saying what is reserved
        Assert.Equal(3, plan.Start.Count);
        Assert.Equal(5, plan.Waiting.Count);
        Assert.All(plan.Waiting, w => Assert.Contains("reserved for running tickets", w.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public void A_running_ticket_keeps_only_what_it_has_not_spent_yet_reserved()
    {
        // Given a daily budget of 2500 tokens, the per-ticket estimate 1000, one ticket running that used 400
        using var b = new BudgetRig();
        b.Set(BudgetPeriod.Day, BudgetMetric.Tokens, 2500);
        b.Set(BudgetPeriod.Ticket, BudgetMetric.Tokens, 1000);
        var (_, worker) = b.Running("w1");
        b.Turn(worker, 400);

        // When three tickets are ready
        var plan = b.Plan([b.Ready("A"), b.Ready("B"), b.Ready("C")]);
        var line = Assert.Single(b.Service.Overview().Budgets, l => l.Budget.Period == BudgetPeriod.Day);

        // Then 400 spent + 600 still reserved leaves room for one more ticket of 1000, not two
        Assert.Single(plan.Start);
        Assert.Equal(400, line.Spent);
        Assert.Equal(600, line.Reserved);
    }

    [Fact]
    public void A_ticket_that_landed_before_its_agent_ended_keeps_its_reservation_and_is_no_history_yet()
    {
        // Given a daily budget of 2500 tokens, the per-ticket estimate 1000, and a ticket whose gate and
        // merge landed while its headless agent, still running, had reported only 300 of its spend
        using var b = new BudgetRig();
        b.Set(BudgetPeriod.Day, BudgetMetric.Tokens, 2500);
        b.Set(BudgetPeriod.Ticket, BudgetMetric.Tokens, 1000);
        var (landed, worker) = b.Running("w1");
        b.Turn(worker, 300);
        b.Finish(landed.Number);
        b.Running("w2");

        // When two tickets are ready
        var plan = b.Plan([b.Ready("A"), b.Ready("B")]);
        var line = Assert.Single(b.Service.Overview().Budgets, l => l.Budget.Period == BudgetPeriod.Day);

        // Then the landed ticket still holds 700 and is not an average of 300 for the next: 300 spent
        // + 700 + 1000 reserved leaves no room for a ticket of 1000
        Assert.Empty(plan.Start);
        Assert.Equal(300, line.Spent);
        Assert.Equal(1700, line.Reserved);
    }

    [Fact]
    public void An_agent_that_records_its_closing_usage_and_ends_while_the_budget_is_read_is_counted_once_not_never()
    {
        // Given a daily budget of 2500 tokens, the per-ticket estimate 1000, a landed ticket whose
        // headless agent still runs with none of its spend recorded, and another ticket running
        using var b = new BudgetRig();
        b.Set(BudgetPeriod.Day, BudgetMetric.Tokens, 2500);
        b.Set(BudgetPeriod.Ticket, BudgetMetric.Tokens, 1000);
        var (landed, worker) = b.Running("w1");
        b.Finish(landed.Number);
        b.Running("w2");

        // When the spend is read, and then (before the running tickets are) the agent records its
        // 1000 tokens and exits, as its supervisor does on its way out
        var service = b.Service;
        var book = new BudgetBook(service.Inputs(b.Rig.Time.GetUtcNow()));
        b.Turn(worker, 1000);
        b.Rig.SetState("w1", WorkerState.Exited);
        var running = service.Running(book, _ => ("worker", "scripted"));

        // Then the landed ticket still holds its reservation in this round (its spend is not in the
        // reading): 1000 + 1000 reserved leaves no room for a third ticket of 1000 under 2500
        Assert.Contains(running, r => r.Ticket == landed.Number);
        var ledger = new BudgetLedger(service.List(), book, running);
        var day = service.List().Single(l => l.Period == BudgetPeriod.Day);
        Assert.Equal(0, ledger.Spent(day));
        Assert.Equal(2000, ledger.Reserved(day));
        Assert.NotNull(ledger.Admit(b.Candidate(b.Ready("C"))));
    }

    [Fact]
    public void Once_tickets_finished_their_average_spend_is_what_a_new_one_reserves()
    {
        // Given two done tickets that spent 200 and 400 tokens, and a daily budget of 1600
        using var b = new BudgetRig();
        b.Set(BudgetPeriod.Day, BudgetMetric.Tokens, 1600);
        b.Set(BudgetPeriod.Ticket, BudgetMetric.Tokens, 5000);
        foreach (var (name, tokens) in new[] { ("d1", 200L), ("d2", 400L) })
        {
            var (t, w) = b.Running(name);
            b.Turn(w, tokens);
            b.Finish(t.Number);
            b.Rig.SetState(name, Baton.Core.Workers.WorkerState.Exited); // its spend is final once its agent ended
        }

        // When eight tickets are ready: 600 spent, 300 expected each
        var plan = b.Plan(Enumerable.Range(1, 8).Select(i => b.Ready($"Job {i}")).ToList());

        // Then the average (300), not the per-ticket cap (5000), is reserved: 600 + 3 x 300 fits, a fourth does not
        Assert.Equal(3, plan.Start.Count);
    }

    [Fact]
    public void A_ticket_that_spent_its_per_ticket_budget_is_not_started_again()
    {
        // Given a per-ticket budget of $2 and a ticket whose first attempt spent $2.10, back in the queue
        using var b = new BudgetRig();
        b.Set(BudgetPeriod.Ticket, BudgetMetric.Usd, 2m);
        var (ticket, worker) = b.Running("w1");
        b.Turn(worker, 100, 2.10m);
        b.Rig.Tickets.Mutate(ticket.Number, t => new TicketMutation(t with { Status = TicketStatus.Open, Assignee = null }, []));

        // When the loop plans
        var plan = b.Plan([b.Rig.Ticket(ticket.Number)]);

        // Then it waits, saying why
        Assert.Empty(plan.Start);
        Assert.Equal($"{ticket.Id} spent $2.10 of its per-ticket usd budget of all work of $2.00 (hard limit)", Assert.Single(plan.Waiting).Reason);
    }

    [Fact]
    public void The_soft_limit_notifies_once_a_day()
    {
        // Given a daily budget of $10 that notifies at 50%
        using var b = new BudgetRig();
        b.Set(BudgetPeriod.Day, BudgetMetric.Usd, 10m, soft: 50);
        var (_, worker) = b.Running("w1");
        var watch = b.Watch();

        // When $6 is spent and the loop steps three times, then the next day $6 more
        b.Turn(worker, 10, 6m);
        for (var i = 0; i < 3; i++)
        {
            watch.Step(new TickReport());
        }

        var first = b.Notifications("budget_crossed").Count;
        b.Rig.Advance(TimeSpan.FromDays(1));
        b.Turn(worker, 10, 6m);
        watch.Step(new TickReport());
        var restarted = b.Watch(); // a loop started again does not tell again
        restarted.Step(new TickReport());

        // Then one notification the first day, one the next, none for the later steps or the restart
        Assert.Equal(1, first);
        Assert.Equal(2, b.Notifications("budget_crossed").Count);
        Assert.Empty(b.Notifications("budget_exceeded"));
        Assert.Contains("past its soft limit of 50%", b.Notifications("budget_crossed")[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_budget_of_one_role_leaves_other_roles_alone()
    {
        // Given a daily token budget for role reviewer only, spent by a worker of role worker
        using var b = new BudgetRig();
        b.Service.Set(new Budget { Period = BudgetPeriod.Day, Metric = BudgetMetric.Tokens, Limit = 100, Role = "reviewer" });
        var (_, worker) = b.Running("w1");
        b.Turn(worker, 500);

        // When a worker-role ticket is planned
        var plan = b.Plan([b.Ready("Job")]);

        // Then it starts: the reviewer budget has spent nothing
        Assert.Single(plan.Start);
        Assert.Equal(0, Assert.Single(b.Service.Overview().Budgets).Spent);
        Assert.Single(b.Rig.Events(EventTypes.BudgetSet));
    }
}
