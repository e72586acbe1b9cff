using Baton.Core.Dispatch;
using Baton.Core.Tickets;
using Xunit;

namespace Baton.Core.Tests.Dispatch;

public sealed class DispatchPlannerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private static DispatchCandidate C(long n, string role = "worker", string agent = "claude") =>
        new(new Ticket { Number = n, Title = "t" + n, Status = TicketStatus.Open, CreatedAt = T0, UpdatedAt = T0 }, role, agent);

    private static DispatchLimits Limits(int max = 10, int tokens = 10) => new() { MaxWorkers = max, SpawnTokens = tokens };

    [Fact]
    public void Starts_tickets_in_the_order_given_until_the_global_maximum()
    {
        var plan = DispatchPlanner.Plan([C(1), C(2), C(3)], [("worker", "claude")], Limits(max: 3));

        Assert.Equal([1L, 2L], plan.Start.Select(c => c.Ticket.Number));
        var waiting = Assert.Single(plan.Waiting);
        Assert.Equal(3, waiting.Candidate.Ticket.Number);
        Assert.Contains("max_workers", waiting.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_spawn_rate_limit_holds_back_the_rest()
    {
        var plan = DispatchPlanner.Plan([C(1), C(2), C(3)], [], Limits(tokens: 1));

        Assert.Equal([1L], plan.Start.Select(c => c.Ticket.Number));
        Assert.All(plan.Waiting, w => Assert.Contains("spawn rate", w.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public void A_full_role_does_not_stop_a_later_ticket_of_another_role()
    {
        var limits = Limits() with { RoleCapacity = new Dictionary<string, int> { ["reviewer"] = 1 } };

        var plan = DispatchPlanner.Plan([C(1, "reviewer"), C(2, "reviewer"), C(3, "worker")], [], limits);

        Assert.Equal([1L, 3L], plan.Start.Select(c => c.Ticket.Number));
        Assert.Contains("role reviewer is at its capacity of 1", Assert.Single(plan.Waiting).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Live_workers_count_against_role_and_agent_limits()
    {
        var limits = Limits() with { AgentMax = new Dictionary<string, int> { ["codex"] = 2 } };

        var plan = DispatchPlanner.Plan([C(1, agent: "codex"), C(2, agent: "claude")], [("worker", "codex"), (null, "codex")], limits);

        Assert.Equal([2L], plan.Start.Select(c => c.Ticket.Number));
        Assert.Contains("max_instances of 2", Assert.Single(plan.Waiting).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Other_nodes_agents_count_against_a_profiles_limits_but_not_the_nodes_capacity_or_roles()
    {
        // Given a fleet where other nodes run two codex agents; codex may run 3 at once and 3 tickets in progress
        var limits = Limits(max: 2) with
        {
            AgentMax = new Dictionary<string, int> { ["codex"] = 3 },
            AgentMaxTasks = new Dictionary<string, int> { ["claude"] = 1 },
            RoleCapacity = new Dictionary<string, int> { ["worker"] = 2 },
            AgentsElsewhere = new Dictionary<string, int> { ["codex"] = 2, ["claude"] = 1 },
        };

        var plan = DispatchPlanner.Plan([C(1, agent: "codex"), C(2, agent: "codex"), C(3, agent: "claude"), C(4, agent: "gemini")], [], limits);

        // Then one more codex fits the fleet's 3, claude's one ticket is elsewhere, and this node's own
        // capacity (2) and role capacity (2) are counted on its own agents only
        Assert.Equal([1L, 4L], plan.Start.Select(c => c.Ticket.Number));
        Assert.Equal(
            ["agent codex is at its max_instances of 3 across the fleet (2 on other nodes)", "agent claude has its max_tasks of 1 tickets in progress across the fleet (1 on other nodes)"],
            plan.Waiting.Select(w => w.Reason));
    }

    [Fact]
    public void A_held_agent_takes_no_new_work()
    {
        var limits = Limits() with { AgentsHeld = new Dictionary<string, string> { ["claude"] = "agent claude is at its usage limit" } };

        var plan = DispatchPlanner.Plan([C(1), C(2, agent: "codex")], [], limits);

        Assert.Equal([2L], plan.Start.Select(c => c.Ticket.Number));
        Assert.Equal("agent claude is at its usage limit", Assert.Single(plan.Waiting).Reason);
    }
}
