using Baton.Core.Config;
using Baton.Core.Dispatch;
using Baton.Core.Events;
using Baton.Core.Tests.Fakes;
using Baton.Core.Tickets;
using Baton.Core.Workers;
using Xunit;

namespace Baton.Core.Tests.Dispatch;

/// <summary>A crashed or lost agent: retry after min(retry_base x 2^(n-1), retry_max) on the same branch, then failed; on the fake clock.</summary>
public sealed class RetryPolicyTests
{
    private static readonly AutopilotConfig Retrying = new() { RetryBase = TimeSpan.FromSeconds(10), RetryMax = TimeSpan.FromSeconds(30), RetryAttempts = 3 };

    [Theory]
    [InlineData(1, 10)]
    [InlineData(2, 20)]
    [InlineData(3, 30)] // 40 s, capped at retry_max
    public async Task A_crashed_agent_s_ticket_waits_its_backoff_then_is_dispatched_again_on_the_same_branch(int attempt, int seconds)
    {
        // Given attempt n of a ticket whose agent exited with code 1
        using var rig = new AutopilotRig { Config = Retrying };
        var ticket = rig.InProgress("t1-1", attempts: attempt);
        rig.AddWorker("t1-1", WorkerState.Exited, ticket.Number);
        rig.Git.Checkout = "main";
        var supervisor = rig.Supervisor(rig.Life());
        var dispatcher = Dispatcher(rig);

        // When the loop sees it gone
        await rig.SuperviseAsync(supervisor, ticket.Number, "t1-1");

        // Then it is queued with its retry time, keeps its branch, and is not a candidate before that time
        var queued = rig.Ticket(ticket.Number);
        Assert.Equal(TicketStatus.Queued, queued.Status);
        Assert.Equal(rig.Time.GetUtcNow() + TimeSpan.FromSeconds(seconds), queued.RetryAt);
        Assert.Equal(ticket.Branch, queued.Branch);
        var scheduled = Assert.Single(rig.Events(EventTypes.TaskRetryScheduled));
        Assert.Equal(seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), scheduled.Metadata!["delay_seconds"]);

        rig.Advance(TimeSpan.FromSeconds(seconds) - TimeSpan.FromMilliseconds(1));
        var report = new TickReport();
        Assert.Empty(dispatcher.Candidates(rig.Time.GetUtcNow(), report));
        Assert.Contains(report.Waiting, w => w.Ticket == "T-1" && w.Reason.StartsWith("retry at", StringComparison.Ordinal));
        Assert.Null(dispatcher.Claim(new DispatchCandidate(queued, "worker", "scripted")));

        rig.Advance(TimeSpan.FromMilliseconds(1));
        var candidate = Assert.Single(dispatcher.Candidates(rig.Time.GetUtcNow(), new TickReport()));
        var claimed = dispatcher.Claim(candidate)!;
        Assert.Equal(attempt + 1, claimed.Attempts);
        Assert.Equal($"t1-{attempt + 1}", claimed.Assignee);
        Assert.Equal(ticket.Branch, claimed.Branch);
        Assert.Equal(ticket.Worktree, claimed.Worktree);
    }

    [Fact]
    public async Task A_ticket_whose_agent_keeps_crashing_fails_after_its_last_attempt_with_a_notification()
    {
        using var rig = new AutopilotRig { Config = Retrying };
        var ticket = rig.InProgress("t1-4", attempts: 4);
        rig.AddWorker("t1-4", WorkerState.Lost, ticket.Number);
        var supervisor = rig.Supervisor(rig.Life());

        await rig.SuperviseAsync(supervisor, ticket.Number, "t1-4");

        var failed = rig.Ticket(ticket.Number);
        Assert.Equal(TicketStatus.Failed, failed.Status);
        Assert.Contains("no retries left (4 attempts, autopilot.retry_attempts: 3)", failed.Note, StringComparison.Ordinal);
        Assert.Contains(rig.Events(EventTypes.Notification), e => e.Metadata!["kind"] == "ticket_failed");
        Assert.Empty(rig.Events(EventTypes.TaskRetryScheduled));
    }

    [Fact]
    public async Task An_agent_that_exited_0_with_commits_goes_to_the_gate_instead_of_a_retry()
    {
        using var rig = new AutopilotRig { Config = Retrying };
        var ticket = rig.InProgress("t1-1");
        rig.Files.CreateDirectory(ticket.Worktree!);
        var gone = rig.AddWorker("t1-1", WorkerState.Busy, ticket.Number);
        rig.Store.UpdateWorkers([new(gone with { State = WorkerState.Exited, ExitCode = 0 }, null, gone)]);
        rig.Git.Ahead = (dir, from, to) => dir == ticket.Worktree && from == "main" && to == "HEAD" ? 2 : throw new InvalidOperationException($"{dir} {from} {to}");
        var supervisor = rig.Supervisor(rig.Life());

        await rig.SuperviseAsync(supervisor, ticket.Number, "t1-1");

        Assert.Equal(TicketStatus.Testing, rig.Ticket(ticket.Number).Status);
        Assert.Contains("exited 0 with 2 commits", Assert.Single(rig.Events(EventTypes.TaskReportedDone)).Message, StringComparison.Ordinal);
    }

    private static Dispatcher Dispatcher(AutopilotRig rig) =>
        new(rig.Config, "scripted", rig.Time, rig.Tickets, rig.Git, () => rig.Roles, rig.Profiles, rig.Paths, rig.Files);
}
