using Baton.Core.Config;
using Baton.Core.Dispatch;
using Baton.Core.Events;
using Baton.Core.Git;
using Baton.Core.Merge;
using Baton.Core.Security;
using Baton.Core.Storage;
using Baton.Core.Tests.Fakes;
using Baton.Core.Tickets;
using Xunit;

namespace Baton.Core.Tests.Merge;

/// <summary>
/// merge.prepare_ahead on fakes and the fake clock: the next branch is merged onto the commit the
/// landing one will produce and gated while it lands; the prepared result lands only when the
/// target is where it was prepared on, and is discarded and redone otherwise. Gates are held and
/// released by the test (<see cref="HeldGates"/>), never slept on.
/// </summary>
public sealed class MergePipelineTests
{
    [Fact]
    public async Task While_one_branch_lands_the_next_is_merged_onto_its_result_and_gated_then_lands_by_a_fast_forward()
    {
        using var rig = Rig(out var gates);
        var (a, b) = (Reviewed(rig, "w1", "a1"), Reviewed(rig, "w2", "b1"));
        var completion = Completion(rig, gates);

        // When the queue starts landing A (its gate held)
        await completion.StepAsync(new TickReport(), CancellationToken.None);

        // Then B's gate runs on B merged onto A's result while A's gate still runs
        await gates.Started(Scratch(rig, 2));
        Assert.True(gates.IsRunning(Scratch(rig, 1)));
        Assert.Contains("merge-tree m0+a1 b1", rig.Git.Calls);
        Assert.Equal("m0", rig.Git.Heads["main"]);

        // When both gates pass and the loop collects A
        gates.Finish(Scratch(rig, 1), 0);
        gates.Finish(Scratch(rig, 2), 0);
        await Task.WhenAll(completion.Running);
        await completion.StepAsync(new TickReport(), CancellationToken.None);

        // Then A lands, and B lands in the same step by a fast-forward from A's result to the tested merge
        Assert.Equal(TicketStatus.Done, rig.Ticket(a.Number).Status);
        Assert.Equal(TicketStatus.Done, rig.Ticket(b.Number).Status);
        Assert.Equal("m0+a1+b1", rig.Git.Heads["main"]);
        Assert.Contains("fast-forward main m0+a1 m0+a1+b1", rig.Git.Calls);
        Assert.Equal(2, MergeTrees(rig));
        Assert.Equal(2, gates.Ran.Count);
        var merged = rig.Events(EventTypes.Merged).OrderBy(e => e.Id).ToList();
        Assert.False(merged[0].Metadata!.ContainsKey("prepared"));
        Assert.Equal("used", merged[1].Metadata!["prepared"]);
    }

    [Fact]
    public async Task A_prepared_merge_is_discarded_and_redone_when_the_branch_before_it_fails_its_gate()
    {
        using var rig = Rig(out var gates);
        var (a, b) = (Reviewed(rig, "w1", "a1"), Reviewed(rig, "w2", "b1"));
        var completion = Completion(rig, gates);
        await completion.StepAsync(new TickReport(), CancellationToken.None);
        await gates.Started(Scratch(rig, 2));

        // When A's gate fails on its merge result and B's prepared gate (on A's result) passes
        gates.Finish(Scratch(rig, 1), 1);
        gates.Finish(Scratch(rig, 2), 0);
        gates.Hold = false;
        await Task.WhenAll(completion.Running);
        await completion.StepAsync(new TickReport(), CancellationToken.None);
        await Task.WhenAll(completion.Running);
        await completion.StepAsync(new TickReport(), CancellationToken.None);

        // Then A goes back, B's prepared merge is not used: B is merged onto main as it is and gated again
        Assert.NotEqual(TicketStatus.Done, rig.Ticket(a.Number).Status);
        Assert.Equal(TicketStatus.Done, rig.Ticket(b.Number).Status);
        Assert.Equal("m0+b1", rig.Git.Heads["main"]);
        Assert.DoesNotContain(rig.Git.Calls, c => c.Contains("m0+a1+b1", StringComparison.Ordinal) && c.StartsWith("fast-forward", StringComparison.Ordinal));
        Assert.Equal(["merge-tree m0 a1", "merge-tree m0+a1 b1", "merge-tree m0 b1"], rig.Git.Calls.Where(c => c.StartsWith("merge-tree", StringComparison.Ordinal)));
        Assert.Equal(3, gates.Ran.Count);
        var merged = Assert.Single(rig.Events(EventTypes.Merged));
        Assert.StartsWith("discarded: main is at m0", merged.Metadata!["prepared"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_prepared_merge_is_discarded_when_someone_moves_the_target_and_its_gate_is_stopped()
    {
        using var rig = Rig(out var gates);
        var (a, b) = (Reviewed(rig, "w1", "a1"), Reviewed(rig, "w2", "b1"));
        var completion = Completion(rig, gates);
        await completion.StepAsync(new TickReport(), CancellationToken.None);
        await gates.Started(Scratch(rig, 2));

        // When a person moves main while A's gate runs (so A cannot fast-forward), B's prepared gate still running
        rig.Git.Heads["main"] = "h1";
        gates.Finish(Scratch(rig, 1), 0);
        gates.Hold = false;
        await WaitForLandingAsync(completion);
        await completion.StepAsync(new TickReport(), CancellationToken.None);
        await Task.WhenAll(completion.Running);
        await completion.StepAsync(new TickReport(), CancellationToken.None);

        // Then A waits to retry, B's preparation on A's result is discarded (never finished), and B lands on h1 after a new gate
        Assert.Equal(TicketStatus.Review, rig.Ticket(a.Number).Status);
        Assert.Equal(TicketStatus.Done, rig.Ticket(b.Number).Status);
        Assert.Equal("h1+b1", rig.Git.Heads["main"]);
        Assert.Contains("merge-tree h1 b1", rig.Git.Calls);
        Assert.DoesNotContain(rig.Git.Calls, c => c.StartsWith("fast-forward main m0+a1", StringComparison.Ordinal));
        var merged = Assert.Single(rig.Events(EventTypes.Merged));
        Assert.Equal("discarded: main is at h1, not at m0+a1 as predicted", merged.Metadata!["prepared"]);
    }

    [Fact]
    public async Task With_prepare_ahead_0_the_next_branch_is_merged_only_when_its_turn_comes()
    {
        using var rig = Rig(out var gates, ahead: 0);
        var (a, b) = (Reviewed(rig, "w1", "a1"), Reviewed(rig, "w2", "b1"));
        var completion = Completion(rig, gates);
        await completion.StepAsync(new TickReport(), CancellationToken.None);
        await gates.Started(Scratch(rig, 1));
        await completion.StepAsync(new TickReport(), CancellationToken.None);

        Assert.Equal(["merge-tree m0 a1"], rig.Git.Calls.Where(c => c.StartsWith("merge-tree", StringComparison.Ordinal)));
        gates.Hold = false;
        gates.Finish(Scratch(rig, 1), 0);
        await Task.WhenAll(completion.Running);
        await completion.StepAsync(new TickReport(), CancellationToken.None);
        await Task.WhenAll(completion.Running);
        await completion.StepAsync(new TickReport(), CancellationToken.None);

        Assert.Equal(TicketStatus.Done, rig.Ticket(b.Number).Status);
        Assert.Equal("m0+a1+b1", rig.Git.Heads["main"]);
        Assert.False(Assert.Single(rig.Events(EventTypes.Merged), e => e.Ticket == b.Id).Metadata!.ContainsKey("prepared"));
        Assert.Equal(TicketStatus.Done, rig.Ticket(a.Number).Status);
    }

    /// <summary>Waits until the landing under way ended (A's fast-forward refused), without a clock.</summary>
    private static async Task WaitForLandingAsync(GatesAndMerges completion)
    {
        var landing = completion.Running.First();
        await Settle(landing);
    }

    private static async Task Settle(Task task)
    {
        try
        {
            await task.WaitAsync(TimeSpan.FromMinutes(1));
        }
        catch (OperationCanceledException)
        {
            // a stopped preparation
        }
    }

    private static AutopilotRig Rig(out HeldGates gates, int ahead = 2)
    {
        gates = new HeldGates();
        var rig = new AutopilotRig { Config = new AutopilotConfig { GateCommands = ["make test"], MergePrepareAhead = ahead } };
        rig.Git.Heads["main"] = "m0";
        rig.Git.Ahead = (_, _, _) => 1; // the target moved since each branch was made: every merge result is gated
        rig.Git.OnMergeCommit = (_, target, branch) => new MergeAttempt(true, $"{target}+{branch}", [], "");
        rig.Git.OnFastForward = (_, branch, expected, _) => rig.Git.Heads[branch] == expected;
        return rig;
    }

    private static GatesAndMerges Completion(AutopilotRig rig, HeldGates gates)
    {
        var life = rig.Life();
        var gate = new GateRunner(gates, new Redactor([]));
        var job = new MergeJob(rig.Git, rig.Git, rig.Git, rig.Git, gate, rig.Files);
        return new GatesAndMerges(rig.Config, rig.Time, rig.Tickets, rig.Db.Merges, rig.Store, rig.Results, rig.Git, rig.Git, rig.Git, gate, job,
            new Stacks(rig.Time, rig.Tickets, rig.Git, life), life, rig.Paths, _ => { });
    }

    private static string Scratch(AutopilotRig rig, long request) => Path.Combine(rig.Paths.WorktreesDir, $"_merge-{request}");

    private static int MergeTrees(AutopilotRig rig) => rig.Git.Calls.Count(c => c.StartsWith("merge-tree", StringComparison.Ordinal));

    /// <summary>A ticket whose gate passed on <paramref name="tested"/>, queued to merge into main.</summary>
    private static Ticket Reviewed(AutopilotRig rig, string worker, string tested)
    {
        var ticket = rig.InProgress(worker);
        rig.Git.Heads[ticket.Branch!] = tested;
        var now = rig.Time.GetUtcNow();
        return rig.Tickets.Mutate(ticket.Number, t => new TicketMutation(t with { Status = TicketStatus.Review, UpdatedAt = now }, [])
        {
            MergeRequest = new MergeRequest { Ticket = t.Number, Branch = t.Branch!, Target = "main", Status = MergeRequestStatus.Queued, Detail = "tested " + tested, CreatedAt = now, UpdatedAt = now },
        });
    }
}
