using Baton.Core.Config;
using Baton.Core.Dispatch;
using Baton.Core.Events;
using Baton.Core.Git;
using Baton.Core.Merge;
using Baton.Core.Storage;
using Baton.Core.Tests.Fakes;
using Baton.Core.Tickets;
using Baton.Core.Workers;
using Xunit;

namespace Baton.Core.Tests.Dispatch;

/// <summary>gate.retries and the merge queue's backoff, on fakes and the fake clock; background runs are awaited, never slept on.</summary>
public sealed class GateAndMergePolicyTests
{
    [Fact]
    public async Task A_failing_gate_goes_back_to_the_agent_up_to_gate_retries_then_the_ticket_fails()
    {
        // Given a ticket reported done on commit c1, a gate that fails three times and gate.retries: 2
        using var rig = new AutopilotRig { Config = new AutopilotConfig { GateCommands = ["make test"], GateRetries = 2 } };
        var ticket = rig.InProgress("t1-1");
        rig.AddWorker("t1-1", WorkerState.Busy, ticket.Number);
        rig.Git.HeadOf[ticket.Worktree!] = "c1";
        rig.Git.Ahead = (dir, from, to) => (dir, from, to) == (ticket.Worktree, "main", "c1") ? 1 : throw new InvalidOperationException($"{dir} {from} {to}");
        for (var i = 0; i < 3; i++)
        {
            rig.Runner.Expect("sh", ["-c", "make test"], 1, "4 passed, 1 failed\n");
        }

        var cleaned = new List<Ticket>();
        var completion = rig.Completion(rig.Life(), cleaned.Add);

        // When the agent reports done three times and each gate run fails
        for (var run = 1; run <= 3; run++)
        {
            ReportDone(rig, ticket.Number);
            await StepAndSettleAsync(completion);
            await completion.StepAsync(new TickReport(), CancellationToken.None);
            var now = rig.Ticket(ticket.Number);
            if (run < 3)
            {
                Assert.Equal(TicketStatus.InProgress, now.Status);
                Assert.Equal(run, now.GateFailures);
                Assert.Contains("The gate failed on T-1: `make test` failed with exit code 1", rig.Workers.Sent[^1].Message, StringComparison.Ordinal);
            }
        }

        // Then it failed after the third run, its agent was ended, and every gate run is recorded
        var failed = rig.Ticket(ticket.Number);
        Assert.Equal(TicketStatus.Failed, failed.Status);
        Assert.Contains("gave up after 3 failed gate runs (gate.retries: 2)", failed.Note, StringComparison.Ordinal);
        Assert.Equal(2, rig.Workers.Sent.Count);
        Assert.Equal(["t1-1"], rig.Workers.Killed);
        Assert.Equal(3, rig.Events(EventTypes.GateFailed).Count);
        var runs = rig.Db.Merges.GateRuns(ticket.Number, 10);
        Assert.Equal(3, runs.Count);
        Assert.All(runs, r => Assert.Equal((4, 1), (r.Passed, r.Failed)));
        Assert.Empty(cleaned);
        rig.Runner.VerifyAllCalled();
    }

    [Fact]
    public async Task A_passing_gate_queues_the_tested_commit_and_lets_the_agent_go()
    {
        using var rig = new AutopilotRig { Config = new AutopilotConfig { GateCommands = ["make test"] } };
        var ticket = rig.InProgress("t1-1");
        rig.Git.HeadOf[ticket.Worktree!] = "c1";
        rig.Git.Ahead = (_, _, _) => 1;
        rig.Runner.Expect("sh", ["-c", "make test"], 0, "12 passed\n");
        var cleaned = new List<Ticket>();
        var completion = rig.Completion(rig.Life(), cleaned.Add);

        ReportDone(rig, ticket.Number);
        await StepAndSettleAsync(completion);
        await completion.StepAsync(new TickReport(), CancellationToken.None);

        Assert.Equal(TicketStatus.Review, rig.Ticket(ticket.Number).Status);
        var mr = Assert.Single(rig.Db.Merges.MergeRequests(openOnly: true));
        Assert.Equal("tested c1", mr.Detail);
        Assert.Equal(ticket.Number, Assert.Single(cleaned).Number);
        rig.Runner.VerifyAllCalled();
    }

    [Fact]
    public async Task Without_auto_merge_a_passed_gate_leaves_the_ticket_in_review_and_nothing_merges_it()
    {
        using var rig = new AutopilotRig { Config = new AutopilotConfig { GateCommands = ["make test"], AutoMerge = false } };
        var ticket = rig.InProgress("t1-1");
        rig.Git.HeadOf[ticket.Worktree!] = "c1";
        rig.Git.Ahead = (_, _, _) => 1;
        rig.Runner.Expect("sh", ["-c", "make test"], 0, "1 passed\n");
        var completion = rig.Completion(rig.Life(), _ => { });

        ReportDone(rig, ticket.Number);
        await StepAndSettleAsync(completion);
        for (var tick = 0; tick < 10; tick++)
        {
            rig.Advance(TimeSpan.FromMinutes(1));
            await StepAndSettleAsync(completion);
        }

        Assert.Equal(TicketStatus.Review, rig.Ticket(ticket.Number).Status);
        Assert.Empty(rig.Db.Merges.MergeRequests(openOnly: false));
        Assert.Empty(rig.Events(EventTypes.MergeQueued));
        Assert.DoesNotContain(rig.Git.Calls, c => c.StartsWith("merge-tree", StringComparison.Ordinal));
        rig.Runner.VerifyAllCalled();
    }

    [Fact]
    public async Task Uncommitted_work_goes_back_to_the_agent_without_a_gate_run()
    {
        using var rig = new AutopilotRig { Config = new AutopilotConfig { GateCommands = ["make test"] } };
        var ticket = rig.InProgress("t1-1");
        rig.AddWorker("t1-1", WorkerState.Idle, ticket.Number);
        rig.Git.Dirty.Add(ticket.Worktree!);
        var completion = rig.Completion(rig.Life(), _ => { });

        ReportDone(rig, ticket.Number);
        await StepAndSettleAsync(completion);

        Assert.Equal(TicketStatus.InProgress, rig.Ticket(ticket.Number).Status);
        Assert.Contains("uncommitted changes", Assert.Single(rig.Workers.Sent).Message, StringComparison.Ordinal);
        Assert.Empty(rig.Runner.Calls);
    }

    [Fact]
    public async Task A_merge_that_cannot_land_backs_off_tells_a_human_at_the_third_try_and_goes_back_after_the_tenth()
    {
        // Given a ticket in review whose tested commit c1 merges cleanly, but main never takes the fast-forward
        using var rig = new AutopilotRig { Config = new AutopilotConfig() };
        var ticket = Reviewed(rig, "c1");
        rig.Git.OnMergeCommit = (_, target, branch) => new MergeAttempt(true, $"merge-{target}-{branch}", [], "");
        rig.Git.OnFastForward = (_, _, _, _) => false;
        var completion = rig.Completion(rig.Life(), _ => { });
        var waits = new List<TimeSpan>();

        // When the queue runs the merge, and after each retry waits out its delay (and not a moment less)
        await StepAndSettleAsync(completion);
        for (var tries = 1; tries < 10; tries++)
        {
            await completion.StepAsync(new TickReport(), CancellationToken.None); // takes in try n, schedules the next
            var delay = RetryPolicy.Delay(tries, TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(2));
            waits.Add(delay);
            rig.Advance(delay - TimeSpan.FromMilliseconds(1));
            await StepAndSettleAsync(completion);
            Assert.Equal(tries, Merges(rig));
            Assert.Equal(tries >= 3 ? 1 : 0, rig.Events(EventTypes.Notification).Count);
            rig.Advance(TimeSpan.FromMilliseconds(1));
            await StepAndSettleAsync(completion);
            Assert.Equal(tries + 1, Merges(rig));
        }

        await completion.StepAsync(new TickReport(), CancellationToken.None);

        // Then 2 s, 4 s ... capped at 2 min between tries; one notification; after the tenth, back to an agent
        Assert.Equal([2, 4, 8, 16, 32, 64, 120, 120, 120], waits.Select(w => (int)w.TotalSeconds));
        var note = Assert.Single(rig.Events(EventTypes.Notification));
        Assert.Equal("merge_waiting", note.Metadata!["kind"]);
        Assert.Contains("cannot be merged yet (3 tries)", note.Message, StringComparison.Ordinal);
        var back = rig.Ticket(ticket.Number);
        Assert.Equal(TicketStatus.Queued, back.Status); // its agent had left: a fresh one gets the news
        Assert.Equal(1, back.GateFailures);
        Assert.Contains("(gave up after 10 tries)", Assert.Single(rig.Respawns.Calls).Prefix, StringComparison.Ordinal);
        Assert.Equal(MergeRequestStatus.Failed, Assert.Single(rig.Db.Merges.MergeRequests(openOnly: false)).Status);
        Assert.Equal(10, Merges(rig));
    }

    [Fact]
    public async Task A_merge_that_lands_finishes_the_ticket_writes_its_result_and_cleans_up()
    {
        using var rig = new AutopilotRig { Config = new AutopilotConfig() };
        var ticket = Reviewed(rig, "c1");
        rig.Git.OnMergeCommit = (_, _, _) => new MergeAttempt(true, "m1", [], "");
        rig.Git.OnFastForward = (_, branch, expected, commit) => (branch, expected, commit) == ("main", "m0", "m1");
        var cleaned = new List<Ticket>();
        var completion = rig.Completion(rig.Life(), cleaned.Add);

        await StepAndSettleAsync(completion);
        await completion.StepAsync(new TickReport(), CancellationToken.None);

        Assert.Equal(TicketStatus.Done, rig.Ticket(ticket.Number).Status);
        Assert.Equal("m1", rig.Git.Heads["main"]);
        Assert.Equal(ticket.Number, Assert.Single(rig.Results.Written).Number);
        Assert.Equal(TicketStatus.Done, Assert.Single(cleaned).Status);
        Assert.Single(rig.Events(EventTypes.Merged));
        Assert.Empty(rig.Events(EventTypes.PrMerged)); // that one is a GitHub pull request's
    }

    /// <summary>The agent's `baton ticket done`: in progress to testing.</summary>
    private static void ReportDone(AutopilotRig rig, long number)
    {
        var now = rig.Time.GetUtcNow();
        rig.Tickets.Mutate(number, t => new TicketMutation(t with { Status = TicketStatus.Testing, UpdatedAt = now }, []));
    }

    private static Ticket Reviewed(AutopilotRig rig, string tested)
    {
        var ticket = rig.InProgress("t1-1");
        rig.Git.Heads["main"] = "m0";
        rig.Git.Heads[ticket.Branch!] = tested;
        var now = rig.Time.GetUtcNow();
        return rig.Tickets.Mutate(ticket.Number, t => new TicketMutation(t with { Status = TicketStatus.Review, UpdatedAt = now }, [])
        {
            MergeRequest = new MergeRequest { Ticket = t.Number, Branch = t.Branch!, Target = "main", Status = MergeRequestStatus.Queued, Detail = "tested " + tested, CreatedAt = now, UpdatedAt = now },
        });
    }

    private static int Merges(AutopilotRig rig) => rig.Git.Calls.Count(c => c.StartsWith("merge-tree", StringComparison.Ordinal));

    /// <summary>One step, then waits for the background gate or merge it started (no clock involved).</summary>
    private static async Task StepAndSettleAsync(GatesAndMerges completion)
    {
        await completion.StepAsync(new TickReport(), CancellationToken.None);
        await Task.WhenAll(completion.Running);
    }
}
