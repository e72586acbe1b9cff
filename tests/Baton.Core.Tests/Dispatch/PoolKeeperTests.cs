using Baton.Core.Dispatch;
using Baton.Core.Events;
using Baton.Core.Security;
using Baton.Core.Tests.Fakes;
using Baton.Core.Tickets;
using Baton.Core.Workers;
using Xunit;

namespace Baton.Core.Tests.Dispatch;

/// <summary>autopilot.warm_pool's keeper on fakes and the fake clock: starts within the limits, holds after failures, ends on stop.</summary>
public sealed class PoolKeeperTests
{
    private readonly List<string> _started = [];
    private readonly List<string> _ended = [];

    private PoolKeeper Keeper(AutopilotRig rig, Func<string, Task<Worker>>? start = null) =>
        new(rig.Store, rig.Tickets, rig.Files, rig.Time, new Redactor([]), rig.Paths.WorktreesDir)
        {
            Start = (name, c) =>
            {
                _started.Add($"{name} for {c.Ticket.Id}");
                return start?.Invoke(name) ?? Task.FromResult(rig.AddWorker(name, WorkerState.Idle, role: c.Role));
            },
            End = w =>
            {
                _ended.Add(w.Name);
                return Task.CompletedTask;
            },
            RemoveFolder = _ => { },
        };

    private static DispatchCandidate Waiting(AutopilotRig rig, long number) =>
        new(new Ticket { Number = number, Title = "t", Status = TicketStatus.Open, CreatedAt = rig.Time.GetUtcNow(), UpdatedAt = rig.Time.GetUtcNow() }, "worker", "scripted");

    private static IReadOnlyList<DispatchCandidate> All(IReadOnlyList<DispatchCandidate> start) => start;

    [Fact]
    public void A_pool_agent_starts_only_when_the_limits_let_it_and_then_counts_until_its_row_exists()
    {
        using var rig = new AutopilotRig();
        var keeper = Keeper(rig, _ => new TaskCompletionSource<Worker>().Task); // still starting

        // No room: nothing starts
        keeper.Step(1, [Waiting(rig, 2)], [], _ => [], new TickReport());
        Assert.Empty(_started);

        // Room: one starts, and a second step does not start another while it is under way
        keeper.Step(1, [Waiting(rig, 2)], [], All, new TickReport());
        keeper.Step(1, [Waiting(rig, 2)], [], All, new TickReport());
        Assert.Equal(["pool-1 for T-2"], _started);
        Assert.True(keeper.Settling("pool-1"));
    }

    [Fact]
    public async Task A_pool_agent_that_cannot_start_holds_its_pair_back_for_a_doubling_time()
    {
        // Given a profile whose agent fails to start
        using var rig = new AutopilotRig();
        var keeper = Keeper(rig, _ => Task.FromException<Worker>(new BatonException("not installed")));
        var report = new TickReport();
        keeper.Step(1, [Waiting(rig, 2)], [], All, report);
        await Task.Yield();
        keeper.Collect(report);
        Assert.Contains(report.Items, a => a.Type == "pool_failed");
        Assert.Single(rig.Events(EventTypes.AutopilotError));

        // Then it is not tried again before 10 s, and after a second failure not before 20 s more
        rig.Advance(TimeSpan.FromSeconds(9));
        keeper.Step(1, [Waiting(rig, 2)], [], All, new TickReport());
        Assert.Single(_started);
        rig.Advance(TimeSpan.FromSeconds(1));
        keeper.Step(1, [Waiting(rig, 2)], [], All, new TickReport());
        Assert.Equal(2, _started.Count);
        keeper.Collect(new TickReport());
        rig.Advance(TimeSpan.FromSeconds(19));
        keeper.Step(1, [Waiting(rig, 2)], [], All, new TickReport());
        Assert.Equal(2, _started.Count);
        rig.Advance(TimeSpan.FromSeconds(1));
        keeper.Step(1, [Waiting(rig, 2)], [], All, new TickReport());
        Assert.Equal(3, _started.Count);
    }

    [Fact]
    public async Task The_stop_ends_every_pool_agent_and_a_person_s_agent_without_a_ticket_is_left_alone()
    {
        using var rig = new AutopilotRig();
        rig.AddWorker("pool-1", WorkerState.Idle, role: "worker");
        rig.AddWorker("alice", WorkerState.Idle, role: "worker");
        var keeper = Keeper(rig);

        await keeper.DrainAsync();

        Assert.Equal(["pool-1"], _ended);
        Assert.Equal("pool-1", Assert.Single(rig.Events(EventTypes.WorkerUnpooled)).Worker);
    }

    [Fact]
    public void A_pool_agent_no_waiting_ticket_needs_is_ended_and_its_name_is_used_again_once_it_has_gone()
    {
        using var rig = new AutopilotRig();
        var agent = rig.AddWorker("pool-1", WorkerState.Idle, role: "worker");
        var keeper = Keeper(rig);

        keeper.Step(1, [], [agent], All, new TickReport());
        Assert.Equal(["pool-1"], _ended);

        // Once it has gone (killed), a new waiting ticket gets a new pool agent under that name
        keeper.Collect(new TickReport());
        rig.SetState("pool-1", WorkerState.Killed);
        keeper.Step(1, [Waiting(rig, 4)], [], All, new TickReport());
        Assert.Equal(["pool-1 for T-4"], _started);
    }

    [Fact]
    public void A_ready_ticket_waiting_for_a_slot_an_idle_pool_agent_holds_ends_that_agent_and_one_waiting_on_a_budget_does_not()
    {
        using var rig = new AutopilotRig();
        var old = rig.AddWorker("pool-1", WorkerState.Idle, role: "worker");
        rig.Advance(TimeSpan.FromSeconds(5));
        var young = rig.AddWorker("pool-2", WorkerState.Idle, role: "worker");
        var keeper = Keeper(rig);
        var ready = Waiting(rig, 7) with { Role = "reviewer" };
        var limits = new DispatchLimits { MaxWorkers = 2, SpawnTokens = 10 };
        IReadOnlyList<DispatchCandidate> Plan(IReadOnlyList<DispatchCandidate> c, IReadOnlyList<(string? Role, string Agent)> others) => DispatchPlanner.Plan(c, others, limits).Start;

        // Waiting on a budget: the pool keeps its agents
        keeper.GiveBackSlots([old, young], [(ready, "budget 'daily' is spent")], [("worker", "scripted"), ("worker", "scripted")], Plan, new TickReport());
        Assert.Empty(_ended);

        // Waiting for a slot (max_workers 2, both held by pool agents): the newest pool agent gives its slot
        keeper.GiveBackSlots([old, young], [(ready, "all 2 worker slots are taken (autopilot.max_workers)")], [("worker", "scripted"), ("worker", "scripted")], Plan, new TickReport());
        Assert.Equal(["pool-2"], _ended);
    }
}
