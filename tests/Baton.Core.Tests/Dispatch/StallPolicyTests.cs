using Baton.Core.Config;
using Baton.Core.Events;
using Baton.Core.Storage;
using Baton.Core.Tests.Fakes;
using Baton.Core.Tickets;
using Baton.Core.Workers;
using Xunit;

namespace Baton.Core.Tests.Dispatch;

/// <summary>stall_after, idle_after, max_nudges and on_stall, on the fake clock.</summary>
public sealed class StallPolicyTests
{
    private static readonly TimeSpan Stall = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(1);

    [Fact]
    public async Task A_busy_agent_without_progress_is_nudged_at_stall_after_then_restarted_after_the_last_nudge()
    {
        // Given a busy worker and on_stall: restart with two nudges
        using var rig = new AutopilotRig { Config = new AutopilotConfig { StallAfter = Stall, MaxNudges = 2, OnStall = StallPolicy.Restart } };
        var ticket = rig.InProgress("t1-1");
        rig.AddWorker("t1-1", WorkerState.Busy, ticket.Number);
        var supervisor = rig.Supervisor(rig.Life());

        // When the clock reaches stall_after, then stall_after again after each nudge
        rig.Advance(Stall - Tick);
        await rig.SuperviseAsync(supervisor, ticket.Number, "t1-1");
        Assert.Empty(rig.Workers.Sent);
        rig.Advance(Tick);
        await rig.SuperviseAsync(supervisor, ticket.Number, "t1-1");
        Assert.Equal(1, rig.Ticket(ticket.Number).Nudges);
        rig.Advance(Stall - Tick);
        await rig.SuperviseAsync(supervisor, ticket.Number, "t1-1");
        Assert.Single(rig.Workers.Sent); // the nudge counts as the last progress
        rig.Advance(Tick);
        await rig.SuperviseAsync(supervisor, ticket.Number, "t1-1");
        rig.Advance(Stall);
        var report = await rig.SuperviseAsync(supervisor, ticket.Number, "t1-1");

        // Then two nudges, then the agent is ended and the ticket requeued for a fresh one, not failed
        Assert.Equal(2, rig.Workers.Sent.Count);
        Assert.All(rig.Workers.Sent, s => Assert.Contains("No progress seen on T-1 for 10 min", s.Message, StringComparison.Ordinal));
        Assert.Equal(2, rig.Events(EventTypes.WorkerNudged).Count);
        Assert.Equal(["t1-1"], rig.Workers.Killed);
        Assert.Single(rig.Events(EventTypes.WorkerRestarted));
        var after = rig.Ticket(ticket.Number);
        Assert.Equal(TicketStatus.Queued, after.Status);
        Assert.Null(after.Assignee);
        var respawn = Assert.Single(rig.Respawns.Calls);
        Assert.Contains("restarted: no progress after 2 nudges", respawn.Prefix, StringComparison.Ordinal);
        Assert.Contains(report.Actions, a => a.Contains("restarting t1-1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_on_stall_fail_the_ticket_fails_after_the_last_nudge_and_a_human_is_told()
    {
        using var rig = new AutopilotRig { Config = new AutopilotConfig { StallAfter = Stall, MaxNudges = 1, OnStall = StallPolicy.Fail } };
        var ticket = rig.InProgress("t1-1");
        rig.AddWorker("t1-1", WorkerState.Busy, ticket.Number);
        var supervisor = rig.Supervisor(rig.Life());

        rig.Advance(Stall);
        await rig.SuperviseAsync(supervisor, ticket.Number, "t1-1");
        rig.Advance(Stall);
        await rig.SuperviseAsync(supervisor, ticket.Number, "t1-1");

        var failed = rig.Ticket(ticket.Number);
        Assert.Equal(TicketStatus.Failed, failed.Status);
        Assert.Equal("no progress after 1 nudge", failed.Note);
        Assert.Equal(["t1-1"], rig.Workers.Killed);
        Assert.Empty(rig.Respawns.Calls);
        Assert.Contains(rig.Events(EventTypes.Notification), e => e.Metadata?["kind"] == "ticket_failed");
        Assert.Equal(ticket.Number, Assert.Single(rig.Results.Written).Number);
    }

    [Fact]
    public async Task Progress_after_a_nudge_starts_the_count_again_so_a_slow_agent_is_never_given_up_on()
    {
        using var rig = new AutopilotRig { Config = new AutopilotConfig { StallAfter = Stall, MaxNudges = 1, OnStall = StallPolicy.Fail } };
        var ticket = rig.InProgress("t1-1");
        rig.AddWorker("t1-1", WorkerState.Busy, ticket.Number);
        var supervisor = rig.Supervisor(rig.Life());

        for (var step = 1; step <= 3; step++)
        {
            // Each stall earns a nudge; the agent then reports progress (`baton ticket update --note`)
            rig.Advance(Stall);
            await rig.SuperviseAsync(supervisor, ticket.Number, "t1-1");
            Assert.Equal(step, rig.Workers.Sent.Count);
            rig.Advance(TimeSpan.FromMinutes(1));
            var at = rig.Time.GetUtcNow();
            rig.Tickets.Mutate(ticket.Number, t => new TicketMutation(t with { Note = $"step {step}", UpdatedAt = at }, []));
            await rig.SuperviseAsync(supervisor, ticket.Number, "t1-1");
            Assert.Equal(0, rig.Ticket(ticket.Number).Nudges);
        }

        Assert.Equal(TicketStatus.InProgress, rig.Ticket(ticket.Number).Status);
        Assert.Empty(rig.Workers.Killed);
    }

    [Fact]
    public async Task An_idle_agent_that_did_not_report_is_asked_for_its_status_at_idle_after_then_restarted()
    {
        using var rig = new AutopilotRig { Config = new AutopilotConfig { IdleAfter = Idle, MaxNudges = 2 } };
        var ticket = rig.InProgress("t1-1");
        rig.AddWorker("t1-1", WorkerState.Idle, ticket.Number);
        rig.Workers.Screens["t1-1"] = "done, I think\n> ";
        var supervisor = rig.Supervisor(rig.Life());

        rig.Advance(Idle - Tick);
        await rig.SuperviseAsync(supervisor, ticket.Number, "t1-1");
        Assert.Empty(rig.Workers.Sent);
        rig.Advance(Tick);
        await rig.SuperviseAsync(supervisor, ticket.Number, "t1-1");
        var asked = Assert.Single(rig.Workers.Sent);
        Assert.Contains("You are idle, but T-1 is not reported finished", asked.Message, StringComparison.Ordinal);
        rig.Advance(Idle);
        await rig.SuperviseAsync(supervisor, ticket.Number, "t1-1");
        rig.Advance(Idle);
        await rig.SuperviseAsync(supervisor, ticket.Number, "t1-1");

        Assert.Equal(2, rig.Events(EventTypes.WorkerStatusAsked).Count);
        Assert.Equal(["t1-1"], rig.Workers.Killed);
        Assert.Contains("idle without reporting after 2 status requests", Assert.Single(rig.Respawns.Calls).Prefix, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_headless_agent_that_cannot_be_typed_to_is_restarted_at_the_next_stall()
    {
        using var rig = new AutopilotRig { Config = new AutopilotConfig { StallAfter = Stall, MaxNudges = 2 } };
        var ticket = rig.InProgress("t1-1");
        rig.AddWorker("t1-1", WorkerState.Busy, ticket.Number, WorkerMode.Headless);
        rig.Workers.Unreachable.Add("t1-1");
        var supervisor = rig.Supervisor(rig.Life());

        rig.Advance(Stall);
        var first = await rig.SuperviseAsync(supervisor, ticket.Number, "t1-1");
        Assert.Contains(first.Actions, a => a.Contains("could not reach t1-1", StringComparison.Ordinal));
        Assert.Equal(2, rig.Ticket(ticket.Number).Nudges); // not delivered: no more nudges to try
        rig.Advance(Stall);
        await rig.SuperviseAsync(supervisor, ticket.Number, "t1-1");

        Assert.Equal(["t1-1"], rig.Workers.Killed);
        Assert.Single(rig.Respawns.Calls);
    }

    [Fact]
    public async Task A_ticket_past_its_time_limit_is_stopped_its_work_saved_and_failed()
    {
        using var rig = new AutopilotRig();
        var ticket = rig.InProgress("t1-1", timeLimitMinutes: 1);
        rig.AddWorker("t1-1", WorkerState.Busy, ticket.Number);
        rig.Files.CreateDirectory(ticket.Worktree!);
        rig.Git.Dirty.Add(ticket.Worktree!);
        var supervisor = rig.Supervisor(rig.Life());

        rig.Advance(TimeSpan.FromMinutes(1));
        await rig.SuperviseAsync(supervisor, ticket.Number, "t1-1");
        Assert.Equal(TicketStatus.InProgress, rig.Ticket(ticket.Number).Status); // at the limit, not past it
        rig.Advance(Tick);
        var report = await rig.SuperviseAsync(supervisor, ticket.Number, "t1-1");

        Assert.Equal(TicketStatus.Failed, rig.Ticket(ticket.Number).Status);
        Assert.Equal(["t1-1"], rig.Workers.Killed);
        Assert.Single(rig.Events(EventTypes.TaskTimeLimit));
        var wip = Assert.Single(rig.Events(EventTypes.WipSnapshot));
        Assert.StartsWith("refs/baton/wip/T-1/", wip.Metadata!["ref"], StringComparison.Ordinal);
        Assert.Contains("T-1 stopped: past its time limit of 1 min", report.Actions);
    }
}
