using Baton.Core.Config;
using Baton.Core.Dispatch;
using Baton.Core.Events;
using Baton.Core.Roles;
using Baton.Core.Tests.Fakes;
using Baton.Core.Tickets;
using Baton.Core.Workers;
using Xunit;

namespace Baton.Core.Tests.Dispatch;

/// <summary>Usage-limit pauses and their resume at the reset, and permission questions, on the fake clock.</summary>
public sealed class PausePolicyTests
{
    [Fact]
    public async Task An_agent_at_its_usage_limit_is_paused_until_the_reset_then_resumed_and_nothing_fails()
    {
        // Given an idle worker whose screen says the limit resets in 3 minutes
        using var rig = new AutopilotRig();
        var ticket = rig.InProgress("t1-1");
        rig.AddWorker("t1-1", WorkerState.Idle, ticket.Number);
        rig.Workers.Screens["t1-1"] = "working...\nUsage limit reached, resets in 3m\n> ";
        var supervisor = rig.Supervisor(rig.Life());
        var limitSeen = rig.Time.GetUtcNow();

        // When the loop looks at it, and again just before and at the reset
        var report = await rig.SuperviseAsync(supervisor, ticket.Number, "t1-1");
        var paused = rig.Store.GetWorker("t1-1")!;
        Assert.Equal(WorkerState.Paused, paused.State);
        Assert.Equal(limitSeen + TimeSpan.FromMinutes(3), paused.PausedUntil);
        Assert.Contains(report.Actions, a => a.Contains("paused at its usage limit", StringComparison.Ordinal));
        Assert.Equal("agent scripted is at its usage limit until " + paused.PausedUntil!.Value.ToLocalTime().ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
            Supervisor.PausedAgents([paused])["scripted"]);

        rig.Advance(TimeSpan.FromMinutes(3) - TimeSpan.FromMilliseconds(1));
        await rig.SuperviseAsync(supervisor, ticket.Number, "t1-1");
        Assert.Equal(WorkerState.Paused, rig.Store.GetWorker("t1-1")!.State);
        Assert.Empty(rig.Workers.Sent);

        rig.Advance(TimeSpan.FromMilliseconds(1));
        await rig.SuperviseAsync(supervisor, ticket.Number, "t1-1");

        // Then it resumes exactly at the reset, on the same attempt, and the old message does not pause it again
        var resumed = rig.Store.GetWorker("t1-1")!;
        Assert.Equal(WorkerState.Idle, resumed.State);
        Assert.Null(resumed.PausedUntil);
        Assert.Contains("Your usage limit has reset. Continue with T-1", Assert.Single(rig.Workers.Sent).Message, StringComparison.Ordinal);
        Assert.Single(rig.Events(EventTypes.WorkerPaused));
        Assert.Single(rig.Events(EventTypes.WorkerResumed));
        await rig.SuperviseAsync(supervisor, ticket.Number, "t1-1");
        Assert.Equal(WorkerState.Idle, rig.Store.GetWorker("t1-1")!.State);
        var after = rig.Ticket(ticket.Number);
        Assert.Equal(TicketStatus.InProgress, after.Status);
        Assert.Equal(1, after.Attempts);
    }

    [Fact]
    public async Task A_limit_without_a_reset_time_waits_the_default_fifteen_minutes()
    {
        using var rig = new AutopilotRig();
        var ticket = rig.InProgress("t1-1");
        rig.AddWorker("t1-1", WorkerState.Idle, ticket.Number);
        rig.Workers.Screens["t1-1"] = "usage limit reached\n> ";
        var supervisor = rig.Supervisor(rig.Life());

        await rig.SuperviseAsync(supervisor, ticket.Number, "t1-1");

        Assert.Equal(rig.Time.GetUtcNow() + UsageLimitPause.DefaultWait, rig.Store.GetWorker("t1-1")!.PausedUntil);
    }

    [Fact]
    public async Task A_headless_agent_paused_at_its_limit_ends_at_the_reset_and_its_ticket_is_retried()
    {
        using var rig = new AutopilotRig();
        var ticket = rig.InProgress("t1-1");
        var worker = rig.AddWorker("t1-1", WorkerState.Busy, ticket.Number, WorkerMode.Headless);
        UsageLimitPause.Pause(rig.Store, worker, rig.Time.GetUtcNow() + TimeSpan.FromMinutes(5), "stream: 429", rig.Time.GetUtcNow());
        var supervisor = rig.Supervisor(rig.Life());

        rig.Advance(TimeSpan.FromMinutes(5));
        await rig.SuperviseAsync(supervisor, ticket.Number, "t1-1");
        Assert.Equal(WorkerState.Exited, rig.Store.GetWorker("t1-1")!.State);
        Assert.Equal(["t1-1"], rig.Workers.Stopped);
        await rig.SuperviseAsync(supervisor, ticket.Number, "t1-1");

        var retried = rig.Ticket(ticket.Number);
        Assert.Equal(TicketStatus.Queued, retried.Status);
        Assert.NotNull(retried.RetryAt);
    }

    [Fact]
    public async Task A_permission_question_is_approved_by_role_policy_once()
    {
        using var rig = new AutopilotRig();
        rig.Roles.Extra["trusted"] = rig.Roles.GetRole("worker") with { Name = "trusted", AutoApprove = true };
        var ticket = rig.InProgress("t1-1", role: "trusted");
        rig.AddWorker("t1-1", WorkerState.Waiting, ticket.Number, role: "trusted");
        var supervisor = rig.Supervisor(rig.Life());

        await rig.SuperviseAsync(supervisor, ticket.Number, "t1-1");
        rig.Advance(TimeSpan.FromSeconds(2));
        await rig.SuperviseAsync(supervisor, ticket.Number, "t1-1"); // the same question, still up

        Assert.Equal([("t1-1", "y")], rig.Workers.Pressed);
        Assert.Single(rig.Events(EventTypes.PermissionApproved));
        Assert.Empty(rig.Events(EventTypes.Notification));
    }

    [Fact]
    public async Task A_question_still_up_after_its_answer_is_answered_again_a_bounded_number_of_times()
    {
        // Gemini CLI's hook announced a shell question before the dialog was drawn: the keys were
        // lost and the worker waited for ever on a question the policy thought answered.
        using var rig = new AutopilotRig();
        rig.Roles.Extra["trusted"] = rig.Roles.GetRole("worker") with { Name = "trusted", AutoApprove = true };
        var ticket = rig.InProgress("t1-1", role: "trusted");
        rig.AddWorker("t1-1", WorkerState.Waiting, ticket.Number, role: "trusted");
        var supervisor = rig.Supervisor(rig.Life());

        for (var tick = 0; tick < 20; tick++)
        {
            await rig.SuperviseAsync(supervisor, ticket.Number, "t1-1");
            rig.Advance(TimeSpan.FromSeconds(2));
        }

        Assert.Equal(3, rig.Workers.Pressed.Count);
        var approvals = rig.Events(EventTypes.PermissionApproved);
        Assert.Equal(3, approvals.Count);
        Assert.Contains("again, answer 2 of 3", approvals[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_permission_question_without_auto_approve_is_reported_for_a_human_once_per_question()
    {
        using var rig = new AutopilotRig();
        var ticket = rig.InProgress("t1-1");
        rig.AddWorker("t1-1", WorkerState.Waiting, ticket.Number, role: "worker");
        var supervisor = rig.Supervisor(rig.Life());

        await rig.SuperviseAsync(supervisor, ticket.Number, "t1-1");
        rig.Advance(TimeSpan.FromSeconds(30));
        await rig.SuperviseAsync(supervisor, ticket.Number, "t1-1");
        Assert.Single(rig.Events(EventTypes.Notification));

        // Answered: busy for longer than the question is remembered, then a new question
        rig.SetState("t1-1", WorkerState.Busy);
        rig.Advance(TimeSpan.FromSeconds(11));
        await rig.SuperviseAsync(supervisor, ticket.Number, "t1-1");
        rig.SetState("t1-1", WorkerState.Waiting);
        await rig.SuperviseAsync(supervisor, ticket.Number, "t1-1");

        Assert.Empty(rig.Workers.Pressed);
        var asks = rig.Events(EventTypes.Notification);
        Assert.Equal(2, asks.Count);
        Assert.All(asks, e => Assert.Equal("needs_human", e.Metadata!["kind"]));
        Assert.Contains("waits for a human", asks[0].Message, StringComparison.Ordinal);
    }
}
