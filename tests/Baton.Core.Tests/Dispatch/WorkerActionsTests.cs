using Baton.Core.Config;
using Baton.Core.Dispatch;
using Baton.Core.Events;
using Baton.Core.Tests.Fakes;
using Baton.Core.Workers;
using Xunit;

namespace Baton.Core.Tests.Dispatch;

/// <summary>`baton nudge` / `baton approve` (WorkerActions) against the supervisor's own policy, on the fake clock.</summary>
public sealed class WorkerActionsTests
{
    private static readonly TimeSpan Stall = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(1);

    private static WorkerActions Actions(AutopilotRig rig) => new(rig.Config, rig.Time, rig.Tickets, rig.Store, rig.Workers, rig.Profiles);

    [Fact]
    public async Task A_nudge_on_demand_types_the_supervisors_text_restarts_its_stall_clock_and_does_not_count()
    {
        using var rig = new AutopilotRig { Config = new AutopilotConfig { StallAfter = Stall, MaxNudges = 1, OnStall = StallPolicy.Fail } };
        var ticket = rig.InProgress("t1-1");
        var worker = rig.AddWorker("t1-1", WorkerState.Busy, ticket.Number);
        var supervisor = rig.Supervisor(rig.Life());
        rig.Advance(Stall - TimeSpan.FromMinutes(1));

        var outcome = await Actions(rig).NudgeAsync(worker, "dashboard", CancellationToken.None);

        // The supervisor's words, to the worker, recorded as asked by the dashboard
        Assert.Equal(("nudged", "T-1", "dashboard"), (outcome.Kind, outcome.Ticket, outcome.By));
        Assert.Equal(NudgeText.For("T-1", idle: false, Stall), Assert.Single(rig.Workers.Sent).Message);
        var e = Assert.Single(rig.Events(EventTypes.WorkerNudged));
        Assert.Equal("dashboard", e.Metadata!["by"]);
        Assert.Equal(0, rig.Ticket(ticket.Number).Nudges);
        Assert.Equal(rig.Time.GetUtcNow(), rig.Ticket(ticket.Number).NudgedAt);

        // The supervisor waits a full stall_after from the person's nudge, then nudges itself (its first of max 1), and only then fails it
        rig.Advance(Stall - Tick);
        await rig.SuperviseAsync(supervisor, ticket.Number, "t1-1");
        Assert.Single(rig.Workers.Sent);
        rig.Advance(Tick);
        await rig.SuperviseAsync(supervisor, ticket.Number, "t1-1");
        Assert.Equal(2, rig.Workers.Sent.Count);
        Assert.Equal(Baton.Core.Tickets.TicketStatus.InProgress, rig.Ticket(ticket.Number).Status);
    }

    [Fact]
    public async Task An_idle_worker_is_asked_for_its_status_and_a_worker_without_a_ticket_gets_the_plain_text()
    {
        using var rig = new AutopilotRig();
        var idle = rig.AddWorker("free", WorkerState.Idle);

        var outcome = await Actions(rig).NudgeAsync(idle, "cli", CancellationToken.None);

        Assert.Equal(("asked", null), (outcome.Kind, outcome.Ticket));
        Assert.Equal(NudgeText.For(null, idle: true, rig.Config.StallAfter), Assert.Single(rig.Workers.Sent).Message);
        Assert.Equal("cli", Assert.Single(rig.Events(EventTypes.WorkerStatusAsked)).Metadata!["by"]);
    }

    [Fact]
    public async Task Approve_presses_the_profiles_keys_only_while_a_question_is_up()
    {
        using var rig = new AutopilotRig();
        var busy = rig.AddWorker("w", WorkerState.Busy);

        var refused = await Assert.ThrowsAsync<BatonException>(() => Actions(rig).ApproveAsync(busy, "dashboard", CancellationToken.None));
        Assert.Contains("is not waiting on a permission question (it is busy: test)", refused.Message, StringComparison.Ordinal);
        Assert.Empty(rig.Workers.Pressed);

        var waiting = rig.SetState("w", WorkerState.Waiting);
        var approved = await Actions(rig).ApproveAsync(waiting, "dashboard", CancellationToken.None);
        Assert.Equal([("w", "y")], rig.Workers.Pressed); // the scripted profile's approve_keys
        Assert.Equal(["y"], approved.Keys);
        Assert.Equal("dashboard", Assert.Single(rig.Events(EventTypes.PermissionApproved)).Metadata!["by"]);

        var gone = rig.SetState("w", WorkerState.Exited);
        Assert.Contains("is exited", (await Assert.ThrowsAsync<BatonException>(() => Actions(rig).NudgeAsync(gone, "cli", CancellationToken.None))).Message, StringComparison.Ordinal);
        Assert.Contains("is exited", (await Assert.ThrowsAsync<BatonException>(() => Actions(rig).ApproveAsync(gone, "cli", CancellationToken.None))).Message, StringComparison.Ordinal);
    }
}
