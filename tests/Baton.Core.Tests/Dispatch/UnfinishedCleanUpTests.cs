using Baton.Core.Config;
using Baton.Core.Dispatch;
using Baton.Core.Events;
using Baton.Core.Git;
using Baton.Core.Security;
using Baton.Core.Storage;
using Baton.Core.Tests.Fakes;
using Baton.Core.Tickets;
using Baton.Core.Workers;
using Xunit;

namespace Baton.Core.Tests.Dispatch;

/// <summary>A loop killed in the middle of a done ticket's clean-up (worktree -> branch -> event) leaves nothing behind once the next one starts.</summary>
public sealed class UnfinishedCleanUpTests : IDisposable
{
    private readonly AutopilotRig _rig = new();

    public void Dispose() => _rig.Dispose();

    private UnfinishedCleanUps CleanUps() =>
        new(_rig.Config, _rig.Tickets, _rig.Store, _rig.Git, _rig.Files, _rig.Root,
            new TicketWorktrees(_rig.Git, _rig.Git, _rig.Git, _rig.Store, _rig.Time, _rig.Root, _rig.Files), new Redactor([]), _rig.Time);

    /// <summary>A done ticket as a killed clean-up left it: its branch still there, its worktree folder there or not.</summary>
    private Ticket Done(bool worktreeLeft, string worker = "w1")
    {
        var t = _rig.InProgress(worker);
        _rig.Git.Heads[t.Branch!] = "c0ffee";
        if (worktreeLeft)
        {
            _rig.Files.CreateDirectory(t.Worktree!);
        }

        return _rig.Tickets.Mutate(t.Number, x => new TicketMutation(x with { Status = TicketStatus.Done }, []))!;
    }

    [Fact]
    public void A_merged_branch_whose_worktree_already_went_is_deleted_after_git_forgets_the_worktree()
    {
        var ticket = Done(worktreeLeft: false);
        _rig.Git.OnMergeState = (_, _) => MergeState.Merged;
        var report = new TickReport();

        CleanUps().FinishAll(report);

        Assert.Equal(["worktree prune", $"branch -D {ticket.Branch}"], _rig.Git.Calls);
        Assert.False(_rig.Git.Heads.ContainsKey(ticket.Branch!));
        Assert.Contains($"{ticket.Id}: finished the clean-up an earlier run began (branch {ticket.Branch} deleted)", report.Actions);
        Assert.Contains("clean-up finished after an earlier run stopped in it", Assert.Single(_rig.Events(EventTypes.WorktreeRemoved)).Message);
    }

    [Fact]
    public void A_worktree_left_by_a_killed_clean_up_is_snapshotted_removed_and_its_merged_branch_deleted()
    {
        var ticket = Done(worktreeLeft: true);
        _rig.Git.Dirty.Add(ticket.Worktree!);
        _rig.Git.OnMergeState = (_, _) => MergeState.Merged;
        _rig.Git.OnRemoveWorktree = path => _rig.Files.DeleteDirectory(path);

        CleanUps().FinishAll(new TickReport());

        Assert.Equal(2, _rig.Git.Calls.Count(c => c.StartsWith("snapshot ", StringComparison.Ordinal) || c.StartsWith("worktree remove", StringComparison.Ordinal)));
        Assert.Contains($"worktree remove {ticket.Worktree} --force", _rig.Git.Calls);
        Assert.Contains($"branch -D {ticket.Branch}", _rig.Git.Calls);
        Assert.Single(_rig.Events(EventTypes.WipSnapshot));
    }

    [Fact]
    public void Unmerged_work_a_live_agent_and_a_pull_request_branch_are_left_alone()
    {
        var unmerged = Done(worktreeLeft: false, "w1");
        var live = Done(worktreeLeft: true, "w2");
        _rig.AddWorker("w2", WorkerState.Busy, live.Number);
        _rig.Git.OnMergeState = (branch, _) => branch == unmerged.Branch ? MergeState.NotMerged : MergeState.Merged;

        CleanUps().FinishAll(new TickReport());
        Assert.DoesNotContain(_rig.Git.Calls, c => c.StartsWith("branch -D", StringComparison.Ordinal) || c.StartsWith("worktree", StringComparison.Ordinal));

        _rig.Config = _rig.Config with { MergeMode = MergeMode.PullRequest };
        _rig.Git.OnMergeState = (_, _) => MergeState.Merged;
        CleanUps().FinishAll(new TickReport());
        Assert.DoesNotContain(_rig.Git.Calls, c => c.StartsWith("branch -D", StringComparison.Ordinal));
    }

    [Fact]
    public void A_failed_clean_up_is_an_event_and_is_tried_again_a_bounded_number_of_times()
    {
        var ticket = Done(worktreeLeft: false);
        var failures = 0;
        _rig.Git.OnMergeState = (_, _) => ++failures <= 2 ? throw new BatonException("failed to read .git/worktrees/_merge-8/commondir") : MergeState.Merged;
        var cleanUps = CleanUps();

        cleanUps.FinishAll(new TickReport());
        var retry = new TickReport();
        cleanUps.Retry(retry, _ => false);

        var errors = _rig.Events(EventTypes.AutopilotError);
        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.Equal(ticket.Id, e.Ticket));
        Assert.Contains(errors, e => e.Message.Contains("(1 of 3 tries in this run)", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Message.Contains("(2 of 3 tries in this run)", StringComparison.Ordinal) && e.Message.Contains("it is tried again next tick", StringComparison.Ordinal));
        Assert.True(_rig.Git.Heads.ContainsKey(ticket.Branch!));

        cleanUps.Retry(retry, _ => false);
        Assert.False(_rig.Git.Heads.ContainsKey(ticket.Branch!));
        Assert.Contains($"{ticket.Id}: finished the clean-up an earlier run began (branch {ticket.Branch} deleted)", retry.Actions);

        // Nothing left to retry: no more git calls.
        var calls = _rig.Git.Calls.Count;
        cleanUps.Retry(new TickReport(), _ => false);
        Assert.Equal(calls, _rig.Git.Calls.Count);
    }
}
