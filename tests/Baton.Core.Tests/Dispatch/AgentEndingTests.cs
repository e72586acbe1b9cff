using Baton.Core.Config;
using Baton.Core.Dispatch;
using Baton.Core.Events;
using Baton.Core.Tests.Fakes;
using Baton.Core.Tickets;
using Baton.Core.Workers;
using Xunit;

namespace Baton.Core.Tests.Dispatch;

/// <summary>The loop never waits for an agent's exit: restarts and stops hand the end to the background (TicketLifecycle.EndLater).</summary>
public sealed class AgentEndingTests
{
    [Fact]
    public async Task A_restart_hands_the_end_of_the_agent_over_and_requeues_at_once()
    {
        // Given a lifecycle whose ends happen elsewhere (the autopilot's background)
        using var rig = new AutopilotRig { Config = new AutopilotConfig() };
        var ticket = rig.InProgress("t1-1");
        rig.AddWorker("t1-1", WorkerState.Busy, ticket.Number);
        var handed = new List<(string Ticket, string Worker, bool Snapshot)>();
        var life = new TicketLifecycle(rig.Config, rig.Time, rig.Tickets, rig.Store, rig.Workers, rig.Results,
            new TicketWorktrees(rig.Git, rig.Git, rig.Git, rig.Store, rig.Time, rig.Root, rig.Files), rig.Respawns)
        {
            EndLater = (t, w, snapshot) => handed.Add((t.Id, w, snapshot)),
        };

        // When the agent is restarted
        await life.RestartAsync(ticket, rig.Store.GetWorker("t1-1")!, "stalled", CancellationToken.None);

        // Then nothing waited for its exit here: the end was handed over, the ticket went to a fresh agent
        Assert.Empty(rig.Workers.Killed);
        Assert.Equal([("T-1", "t1-1", false)], handed);
        Assert.Equal(TicketStatus.Queued, rig.Ticket(ticket.Number).Status);
        Assert.Single(rig.Respawns.Calls);
        Assert.Single(rig.Events(EventTypes.WorkerRestarted));
    }

    [Fact]
    public async Task A_stop_fails_the_ticket_at_once_and_asks_for_the_snapshot_after_the_agent_has_gone()
    {
        using var rig = new AutopilotRig { Config = new AutopilotConfig() };
        var ticket = rig.InProgress("t1-1");
        rig.AddWorker("t1-1", WorkerState.Busy, ticket.Number);
        var handed = new List<(string Ticket, string Worker, bool Snapshot)>();
        var life = new TicketLifecycle(rig.Config, rig.Time, rig.Tickets, rig.Store, rig.Workers, rig.Results,
            new TicketWorktrees(rig.Git, rig.Git, rig.Git, rig.Store, rig.Time, rig.Root, rig.Files), rig.Respawns)
        {
            EndLater = (t, w, snapshot) => handed.Add((t.Id, w, snapshot)),
        };

        await life.StopAsync(ticket, "time limit", EventTypes.TaskFailed, CancellationToken.None);

        Assert.Empty(rig.Workers.Killed);
        Assert.Equal([("T-1", "t1-1", true)], handed);
        Assert.Equal(TicketStatus.Failed, rig.Ticket(ticket.Number).Status);
    }
}
