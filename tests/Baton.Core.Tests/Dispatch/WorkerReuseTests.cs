using Baton.Core.Config;
using Baton.Core.Dispatch;
using Baton.Core.Events;
using Baton.Core.Git;
using Baton.Core.Storage;
using Baton.Core.Tests.Fakes;
using Baton.Core.Tickets;
using Baton.Core.Workers;
using Xunit;

namespace Baton.Core.Tests.Dispatch;

/// <summary>A running agent given its next ticket: its folder checked out afresh, its reset typed, then the new prompt.</summary>
public sealed class WorkerReuseTests
{
    private const string ReadyScreen = "● done\n· ready — type a task, /exit to leave\n>";

    private static (Ticket Previous, Ticket Claimed, Worker Agent) Landed(AutopilotRig rig, string agent = "scripted")
    {
        var previous = rig.InProgress("t1-1");
        previous = rig.Tickets.Mutate(previous.Number, t => new TicketMutation(t with { Status = TicketStatus.Done, Worktree = null }, []));
        var worker = rig.AddWorker("t1-1", WorkerState.Idle, previous.Number, role: "worker") with { Agent = agent };
        if (agent != "scripted")
        {
            rig.Store.UpdateWorkers([new(worker, null, rig.Store.GetWorker("t1-1")!)]);
        }

        var claimed = rig.InProgress("t1-1");
        claimed = rig.Tickets.Mutate(claimed.Number, t => new TicketMutation(t with { Worktree = worker.Directory }, []));
        rig.Files.CreateDirectory(worker.Directory);
        rig.Git.OnMergeState = (_, _) => MergeState.Merged;
        return (previous, claimed, worker);
    }

    private static WorkerReuse Reuse(AutopilotRig rig) =>
        new(rig.Store, rig.Workers, rig.Profiles, rig.Git, rig.Git, rig.Git, new TicketWorktrees(rig.Git, rig.Git, rig.Git, rig.Store, rig.Time, rig.Root, rig.Files), rig.Time, rig.Root)
        {
            Prepare = (_, prompt) => "CONTEXT\n" + prompt,
        };

    [Fact]
    public async Task The_folder_is_saved_and_checked_out_afresh_before_the_reset_then_the_new_prompt_follows()
    {
        // Given an idle agent whose ticket landed, with a file it left uncommitted, and its next ticket claimed for it
        using var rig = new AutopilotRig { Config = new AutopilotConfig() };
        var (previous, claimed, agent) = Landed(rig);
        rig.Git.Dirty.Add(agent.Directory);
        rig.Workers.Screens["t1-1"] = ReadyScreen;

        // When it is reused
        var worker = await Reuse(rig).ReuseAsync(agent, previous, claimed, "main", "PROMPT", CancellationToken.None);

        // Then what it left was saved, the folder went onto the new branch, the merged old branch went,
        // the reset came before the prompt (with the role's context put in front again)
        Assert.Single(rig.Events(EventTypes.WipSnapshot));
        var calls = rig.Git.Calls;
        Assert.Contains($"switch {agent.Directory} {claimed.Branch} main", calls);
        Assert.Contains($"branch -D {previous.Branch}", calls);
        Assert.Equal([("t1-1", "/clear"), ("t1-1", "CONTEXT\nPROMPT")], rig.Workers.Sent);

        // And the worker is the new ticket's, with the reuse recorded
        Assert.Equal(claimed.Number, worker.Ticket);
        Assert.Equal(claimed.Number, rig.Store.GetWorker("t1-1")!.Ticket);
        var reused = Assert.Single(rig.Events(EventTypes.WorkerReused));
        Assert.Equal(claimed.Id, reused.Ticket);
        Assert.Equal(previous.Id, reused.Metadata!["previous_ticket"]);
        Assert.Equal("/clear", reused.Metadata["reset"]);
        Assert.Equal("true", reused.Metadata["verified"]);
    }

    [Fact]
    public async Task An_agent_still_busy_after_its_reset_gets_no_prompt_and_the_reuse_fails_after_the_ready_timeout()
    {
        using var rig = new AutopilotRig { Config = new AutopilotConfig() };
        var (previous, claimed, agent) = Landed(rig);
        rig.Workers.Screens["t1-1"] = "⠿ thinking… (esc to interrupt)\n>";

        var e = await Assert.ThrowsAsync<BatonException>(() => rig.Time.DriveAsync(() => Reuse(rig).ReuseAsync(agent, previous, claimed, "main", "PROMPT", CancellationToken.None), TimeSpan.FromSeconds(100)));
        Assert.Contains("not ready", e.Message, StringComparison.Ordinal);
        Assert.Equal([("t1-1", "/clear")], rig.Workers.Sent);
        Assert.Empty(rig.Events(EventTypes.WorkerReused));
    }

    [Fact]
    public async Task A_profile_without_a_reset_command_is_refused_before_its_folder_is_touched()
    {
        using var rig = new AutopilotRig { Config = new AutopilotConfig() };
        var (previous, claimed, agent) = Landed(rig, agent: "gemini");

        await Assert.ThrowsAsync<BatonException>(() => Reuse(rig).ReuseAsync(agent, previous, claimed, "main", "PROMPT", CancellationToken.None));

        Assert.DoesNotContain(rig.Git.Calls, c => c.StartsWith("switch", StringComparison.Ordinal));
        Assert.Empty(rig.Workers.Sent);
    }

    [Fact]
    public async Task A_pool_agent_takes_its_first_ticket_without_a_snapshot_or_a_reset_and_its_folder_becomes_the_ticket_s()
    {
        // Given an idle pool agent (no ticket yet) and a ticket claimed for it in its folder
        using var rig = new AutopilotRig { Config = new AutopilotConfig() };
        var agent = rig.AddWorker("pool-1", WorkerState.Idle, role: "worker");
        var claimed = rig.InProgress("pool-1");
        claimed = rig.Tickets.Mutate(claimed.Number, t => new TicketMutation(t with { Worktree = agent.Directory }, []));
        rig.Workers.Screens["pool-1"] = ReadyScreen;

        // When it is given the ticket
        var worker = await Reuse(rig).ReuseAsync(agent, null, claimed, "main", "PROMPT", CancellationToken.None);

        // Then its folder went onto the ticket's branch and only the prompt was typed: nothing to save, no conversation to reset
        Assert.Contains($"switch {agent.Directory} {claimed.Branch} main", rig.Git.Calls);
        Assert.Empty(rig.Events(EventTypes.WipSnapshot));
        Assert.Equal([("pool-1", "CONTEXT\nPROMPT")], rig.Workers.Sent);
        Assert.Equal(claimed.Number, worker.Ticket);
        var taken = Assert.Single(rig.Events(EventTypes.WorkerReused));
        Assert.Equal("true", taken.Metadata!["pool"]);
        Assert.Equal("", taken.Metadata["previous_ticket"]);
    }

    [Fact]
    public async Task The_branches_are_brought_up_first_and_the_start_point_read_after_as_for_a_fresh_worktree_and_a_failure_there_leaves_the_folder_alone()
    {
        // Given an idle agent whose ticket landed, in a node's clone whose hook fetches the shared remote's branches
        using var rig = new AutopilotRig { Config = new AutopilotConfig() };
        var (previous, claimed, agent) = Landed(rig);
        rig.Workers.Screens["t1-1"] = ReadyScreen;
        var fetched = new List<string>();
        var reuse = new WorkerReuse(rig.Store, rig.Workers, rig.Profiles, rig.Git, rig.Git, rig.Git, new TicketWorktrees(rig.Git, rig.Git, rig.Git, rig.Store, rig.Time, rig.Root, rig.Files), rig.Time, rig.Root)
        {
            BeforeSwitch = t => fetched.Add(t.Id),
        };

        // When it is reused, its start point known only once the hook ran (a stack parent's branch fetched)
        await reuse.ReuseAsync(agent, previous, claimed, () => fetched.Count == 1 ? "baton/T-9-parent" : "main", "PROMPT", CancellationToken.None);

        // Then the hook ran once for the new ticket, before the folder went onto the branch made from that start point
        Assert.Equal([claimed.Id], fetched);
        Assert.Contains($"switch {agent.Directory} {claimed.Branch} baton/T-9-parent", rig.Git.Calls);

        // And a hook that fails (the remote does not answer, the parent's branch is nowhere) leaves the folder, the agent and its work alone
        var (previous2, claimed2, agent2) = (rig.Ticket(claimed.Number), rig.InProgress("t1-1"), rig.Store.GetWorker("t1-1")!);
        rig.Git.Dirty.Add(agent2.Directory);
        var calls = rig.Git.Calls.Count;
        var failing = new WorkerReuse(rig.Store, rig.Workers, rig.Profiles, rig.Git, rig.Git, rig.Git, new TicketWorktrees(rig.Git, rig.Git, rig.Git, rig.Store, rig.Time, rig.Root, rig.Files), rig.Time, rig.Root)
        {
            BeforeSwitch = _ => throw new BatonException("fetch failed"),
        };
        await Assert.ThrowsAsync<BatonException>(() => failing.ReuseAsync(agent2, previous2, claimed2, "main", "PROMPT", CancellationToken.None));
        Assert.Equal(calls, rig.Git.Calls.Count);
        Assert.Empty(rig.Events(EventTypes.WipSnapshot));
        Assert.Equal([("t1-1", "/clear"), ("t1-1", "PROMPT")], rig.Workers.Sent);
    }
}
