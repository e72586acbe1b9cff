using Baton.Core.Agents;
using Baton.Core.Dispatch;
using Baton.Core.Tickets;
using Baton.Core.Workers;
using Xunit;

namespace Baton.Core.Tests.Dispatch;

/// <summary>Which free agents take which ready tickets (reuse_agents): pure pairing.</summary>
public sealed class WarmPoolTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private static readonly AgentProfile Resettable = new Baton.Infrastructure.Agents.AgentProfiles(null).Get("scripted");

    private static Worker Agent(string name, string role = "worker", string agent = "scripted", WorkerState state = WorkerState.Idle, int idleSeconds = 0, WorkerMode mode = WorkerMode.Tmux) => new()
    {
        Name = name, Agent = agent, Role = role, Mode = mode, Directory = "/r/.baton/worktrees/" + name, State = state, Evidence = "",
        StateSince = T0.AddSeconds(-idleSeconds), CreatedAt = T0.AddMinutes(-5), Ticket = 1,
    };

    private static DispatchCandidate Candidate(long number, string role = "worker", string agent = "scripted", string? worktree = null, string? wanted = null) =>
        new(new Ticket { Number = number, Title = "t", Status = TicketStatus.Open, CreatedAt = T0, UpdatedAt = T0, Worktree = worktree, WorkerWanted = wanted }, role, agent);

    [Fact]
    public void A_free_agent_takes_a_ticket_of_its_own_role_and_profile_only()
    {
        var agent = Agent("t1-1");

        Assert.True(WarmPool.CanTake(agent, Candidate(2), Resettable));
        Assert.False(WarmPool.CanTake(agent, Candidate(2, role: "reviewer"), Resettable));
        Assert.False(WarmPool.CanTake(agent, Candidate(2, agent: "claude"), Resettable));
    }

    [Fact]
    public void An_agent_that_cannot_reset_is_waiting_on_a_question_or_headless_takes_nothing()
    {
        Assert.False(WarmPool.CanTake(Agent("a"), Candidate(2), Resettable with { Reset = null }));
        Assert.False(WarmPool.CanTake(Agent("a", state: WorkerState.Waiting), Candidate(2), Resettable));
        Assert.False(WarmPool.CanTake(Agent("a", mode: WorkerMode.Headless), Candidate(2), Resettable));
        Assert.False(WarmPool.CanTake(Agent("a"), Candidate(2), null));
    }

    [Fact]
    public void A_retried_ticket_keeps_its_own_worktree_and_a_ticket_for_a_named_worker_waits_for_it()
    {
        Assert.False(WarmPool.CanTake(Agent("a"), Candidate(2, worktree: "/r/.baton/worktrees/T-2-x"), Resettable));
        var implementor = Candidate(3) with { Ticket = Candidate(3).Ticket with { Branch = "feature/f/impl-a" } };
        Assert.False(WarmPool.CanTake(Agent("a"), implementor, Resettable)); // a long-lived branch is never reset by a fresh checkout
        Assert.False(WarmPool.CanTake(Agent("a"), Candidate(2, wanted: "b"), Resettable));
        Assert.True(WarmPool.CanTake(Agent("b"), Candidate(2, wanted: "b"), Resettable));
    }

    [Fact]
    public void Tickets_go_in_dispatch_order_to_the_agent_free_the_longest_each_agent_once()
    {
        // Given two free agents, one idle for longer, and three ready tickets
        var recent = Agent("recent", idleSeconds: 1);
        var longest = Agent("longest", idleSeconds: 30);

        // When they are paired
        var pairs = WarmPool.Match([Candidate(5), Candidate(6), Candidate(7)], [recent, longest], _ => Resettable);

        // Then the first ticket goes to the agent idle longest, the second to the other, the third to nobody
        Assert.Equal([(5L, "longest"), (6L, "recent")], pairs.Select(p => (p.Candidate.Ticket.Number, p.Agent.Name)));
    }

    [Fact]
    public void A_ticket_nobody_free_can_take_does_not_stop_a_later_one_that_fits()
    {
        var pairs = WarmPool.Match([Candidate(5, role: "reviewer"), Candidate(6)], [Agent("a")], _ => Resettable);

        Assert.Equal([(6L, "a")], pairs.Select(p => (p.Candidate.Ticket.Number, p.Agent.Name)));
    }

    [Fact]
    public void An_agent_still_ending_its_last_turn_is_paired_after_the_idle_ones_and_is_not_idle_yet()
    {
        var busy = Agent("busy", state: WorkerState.Busy, idleSeconds: 60);
        var idle = Agent("idle", idleSeconds: 1);

        var pairs = WarmPool.Match([Candidate(5), Candidate(6)], [busy, idle], _ => Resettable);

        Assert.Equal([(5L, "idle"), (6L, "busy")], pairs.Select(p => (p.Candidate.Ticket.Number, p.Agent.Name)));
        Assert.False(WarmPool.Idle(busy));
        Assert.True(WarmPool.Idle(idle));
    }

    private static Worker Pooled(string name, string role = "worker", string agent = "scripted", int ageSeconds = 60) =>
        Agent(name, role, agent) with { Ticket = null, CreatedAt = T0.AddSeconds(-ageSeconds) };

    [Fact]
    public void A_pool_agent_is_an_agent_named_for_the_pool_without_a_ticket_and_takes_a_ticket_without_a_reset()
    {
        Assert.True(WarmPool.IsPooled(Pooled("pool-1")));
        Assert.False(WarmPool.IsPooled(Pooled("pool-1") with { Ticket = 3 })); // it took one: an ordinary ticket's agent
        Assert.False(WarmPool.IsPooled(Pooled("worker-1"))); // a person's agent without a ticket is not the pool's
        Assert.True(WarmPool.CanTake(Pooled("pool-1"), Candidate(2), Resettable with { Reset = null }));
        Assert.False(WarmPool.CanTake(Pooled("pool-1"), Candidate(2, role: "reviewer"), Resettable));
    }

    [Fact]
    public void The_pool_keeps_up_to_its_size_per_role_and_profile_and_never_more_than_tickets_wait()
    {
        // Three tickets of one pair wait, one of another; a pool of two
        var waiting = new[] { Candidate(5), Candidate(6), Candidate(7), Candidate(8, role: "reviewer") };

        var (start, end) = WarmPool.PlanPool(2, waiting, [Pooled("pool-1")]);

        // Then one more worker agent (two in all) and one reviewer agent start, each named for the first tickets waiting
        Assert.Equal([6L, 8L], start.Select(c => c.Ticket.Number).Order());
        Assert.Empty(end);
    }

    [Fact]
    public void Pool_agents_no_waiting_ticket_needs_are_ended_the_newest_first_and_size_0_ends_them_all()
    {
        var old = Pooled("pool-1", ageSeconds: 600);
        var young = Pooled("pool-2", ageSeconds: 5);
        var reviewer = Pooled("pool-3", role: "reviewer");

        var (start, end) = WarmPool.PlanPool(2, [Candidate(5)], [old, young, reviewer]);
        Assert.Empty(start);
        Assert.Equal(["pool-2", "pool-3"], end.Select(w => w.Name).Order());

        Assert.Equal(3, WarmPool.PlanPool(0, [Candidate(5)], [old, young, reviewer]).End.Count);
    }

    [Fact]
    public void A_ticket_that_already_had_a_worktree_or_wants_a_named_worker_calls_for_no_pool_agent()
    {
        var (start, _) = WarmPool.PlanPool(3, [Candidate(5, worktree: "/r/.baton/worktrees/T-5-x"), Candidate(6, wanted: "alice")], []);
        Assert.Empty(start);
    }
}
