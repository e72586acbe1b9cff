using Baton.Core.Config;
using Baton.Core.Dispatch;
using Baton.Core.Git;
using Baton.Core.Roles;
using Baton.Core.Storage;
using Baton.Core.Tests.Fakes;
using Baton.Core.Tickets;
using Baton.Core.Workers;
using Baton.Infrastructure.Roles;
using Xunit;

namespace Baton.Core.Tests.Dispatch;

/// <summary>exit_when_done: false keeps a finished ticket's agent alive and idle; true (the default) ends it.</summary>
public sealed class KeptAgentTests
{
    private static TicketLifecycle Life(AutopilotRig rig) =>
        new(rig.Config, rig.Time, rig.Tickets, rig.Store, rig.Workers, rig.Results,
            new TicketWorktrees(rig.Git, rig.Git, rig.Git, rig.Store, rig.Time, rig.Root, rig.Files), rig.Respawns)
        {
            Keeps = (w, _) => KeptAgents.Keeps(rig.Roles, w),
        };

    private static Ticket Landed(AutopilotRig rig, string worker, string role)
    {
        var ticket = rig.InProgress(worker, role: role);
        rig.AddWorker(worker, WorkerState.Idle, ticket.Number, role: role);
        rig.Files.CreateDirectory(ticket.Worktree!);
        rig.Git.OnMergeState = (_, _) => MergeState.Merged;
        return rig.Tickets.Mutate(ticket.Number, t => new TicketMutation(t with { Status = TicketStatus.Done }, []));
    }

    [Fact]
    public async Task A_role_with_exit_when_done_false_keeps_its_agent_and_worktree_after_the_ticket_landed()
    {
        // Given a landed ticket whose agent's role says exit_when_done: false
        using var rig = new AutopilotRig { Config = new AutopilotConfig() };
        rig.Roles.Extra["keeper"] = new Role { Name = "keeper", ExitWhenDone = false };
        var ticket = Landed(rig, "t1-1", "keeper");

        // When the autopilot cleans up after it
        await Life(rig).CleanUpAsync(ticket, CancellationToken.None);

        // Then the agent still runs, idle, and the worktree it sits in is still there
        Assert.Empty(rig.Workers.Killed);
        Assert.Equal(WorkerState.Idle, rig.Store.GetWorker("t1-1")!.State);
        Assert.True(rig.Files.DirectoryExists(ticket.Worktree!));
        Assert.DoesNotContain(rig.Git.Calls, c => c.StartsWith("worktree remove", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_role_with_exit_when_done_true_has_its_agent_ended_after_the_ticket_landed()
    {
        using var rig = new AutopilotRig { Config = new AutopilotConfig() };
        var ticket = Landed(rig, "t1-1", "worker");

        await Life(rig).CleanUpAsync(ticket, CancellationToken.None);

        Assert.Equal(["t1-1"], rig.Workers.Killed);
    }

    [Fact]
    public async Task A_kept_agent_of_a_cancelled_ticket_is_ended_all_the_same()
    {
        // exit_when_done is about finished work; a person cancelling the ticket stops its agent.
        using var rig = new AutopilotRig { Config = new AutopilotConfig() };
        rig.Roles.Extra["keeper"] = new Role { Name = "keeper", ExitWhenDone = false };
        var ticket = rig.InProgress("t1-1", role: "keeper");
        rig.AddWorker("t1-1", WorkerState.Busy, ticket.Number, role: "keeper");
        var cancelled = rig.Tickets.Mutate(ticket.Number, t => new TicketMutation(t with { Status = TicketStatus.Cancelled }, []));

        await Life(rig).CleanUpAsync(cancelled, CancellationToken.None);

        Assert.Equal(["t1-1"], rig.Workers.Killed);
    }

    [Fact]
    public void The_loop_can_tell_beforehand_that_a_landed_tickets_clean_up_keeps_its_agent_and_does_nothing()
    {
        // (The autopilot starts no clean-up task then: a running one would hold the agent back
        // from the landed ticket's dependent, which reuse_agents gives it in that same tick.)
        using var rig = new AutopilotRig { Config = new AutopilotConfig() };
        rig.Roles.Extra["keeper"] = new Role { Name = "keeper", ExitWhenDone = false };
        var kept = Landed(rig, "t1-1", "keeper");
        var ended = Landed(rig, "t1-2", "worker");
        var running = rig.InProgress("t1-3", role: "keeper");
        rig.AddWorker("t1-3", WorkerState.Busy, running.Number, role: "keeper");
        var life = Life(rig);

        Assert.True(life.KeepsAgentOf(kept));
        Assert.False(life.KeepsAgentOf(ended));
        Assert.False(life.KeepsAgentOf(running)); // not finished: its clean-up ends it
        rig.SetState("t1-1", WorkerState.Exited);
        Assert.False(life.KeepsAgentOf(kept)); // gone already: its worktree goes
    }

    [Fact]
    public void A_role_that_does_not_say_ends_its_agents_and_the_built_in_long_lived_roles_keep_theirs()
    {
        var plain = RoleCatalog.ParseRole("test.yaml", "name: plain\nprompt: hi\n");
        var keeper = RoleCatalog.ParseRole("test.yaml", "name: keeper\nprompt: hi\nexit_when_done: false\n");
        var catalog = new RoleCatalog(null);

        Assert.True(plain.ExitWhenDone);
        Assert.False(keeper.ExitWhenDone);
        Assert.True(catalog.GetRole("worker").ExitWhenDone);
        Assert.False(catalog.GetRole("overseer").ExitWhenDone);
        Assert.False(KeptAgents.Keeps(catalog, new Worker { Name = "w", Agent = "scripted", Mode = WorkerMode.Tmux, Role = "gone-role", Directory = "/", State = WorkerState.Idle, Evidence = "", StateSince = DateTimeOffset.UnixEpoch, CreatedAt = DateTimeOffset.UnixEpoch }));
    }
}
