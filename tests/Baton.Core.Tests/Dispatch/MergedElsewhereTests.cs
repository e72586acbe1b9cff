using Baton.Core.Config;
using Baton.Core.Dispatch;
using Baton.Core.Events;
using Baton.Core.Git;
using Baton.Core.Storage;
using Baton.Core.Tests.Fakes;
using Baton.Core.Tickets;
using Xunit;

namespace Baton.Core.Tests.Dispatch;

/// <summary>A node's clone: the worktrees of tickets another node merged are cleaned up by the node whose clone holds them, against the shared remote's target.</summary>
public sealed class MergedElsewhereTests
{
    private static Ticket Done(long number, string worktree, TicketStatus status = TicketStatus.Done) =>
        new() { Number = number, Title = "t", Status = status, Worktree = worktree, Branch = $"baton/T-{number}-t", Target = "main", CreatedAt = DateTimeOffset.UnixEpoch, UpdatedAt = DateTimeOffset.UnixEpoch };

    [Fact]
    public void Done_tickets_with_a_worktree_still_in_this_clone_are_due_once_and_other_clones_worktrees_never()
    {
        // Given done tickets here and in another clone, one whose folder went, and one still in progress here
        var here = new HashSet<string> { "/a/.baton/worktrees/T-1", "/a/.baton/worktrees/T-4" };
        var looked = new List<string>();
        var sweep = new MergedElsewhere(w => w.StartsWith("/a/", StringComparison.Ordinal), w => { looked.Add(w); return here.Contains(w); });
        Ticket[] all =
        [
            Done(1, "/a/.baton/worktrees/T-1"),
            Done(2, "/b/.baton/worktrees/T-2"),
            Done(3, "/a/.baton/worktrees/T-3"),
            Done(4, "/a/.baton/worktrees/T-4", TicketStatus.InProgress),
        ];

        // When the loop looks, twice
        var first = sweep.Due(all);
        var second = sweep.Due(all);

        // Then only this clone's done ticket whose worktree is there is due, once; another clone's folder is never even looked at
        Assert.Equal([1L], first.Select(t => t.Number));
        Assert.Empty(second);
        Assert.DoesNotContain("/b/.baton/worktrees/T-2", looked);
        Assert.DoesNotContain("/a/.baton/worktrees/T-4", looked);

        // And once T-4 is done, it is due at the next look
        Assert.Equal([4L], sweep.Due([Done(4, "/a/.baton/worktrees/T-4")]).Select(t => t.Number));
    }

    [Fact]
    public void A_branch_merged_on_the_remote_s_target_has_its_worktree_removed_though_this_clone_s_target_lags()
    {
        // Given a done ticket whose worktree is here, merged into the remote's main by another node (this clone's main lags)
        using var rig = new AutopilotRig { Config = new AutopilotConfig() };
        var ticket = rig.InProgress("t1-1");
        ticket = rig.Tickets.Mutate(ticket.Number, t => new TicketMutation(t with { Status = TicketStatus.Done }, []));
        rig.Files.CreateDirectory(ticket.Worktree!);
        rig.Git.OnMergeState = (_, target) => target == "refs/remotes/origin/main" ? MergeState.Merged : MergeState.NotMerged;
        var asked = new List<string>();
        var worktrees = new TicketWorktrees(rig.Git, rig.Git, rig.Git, rig.Store, rig.Time, rig.Root, rig.Files)
        {
            Local = _ => true,
            MergedInto = t => { asked.Add(t); return "refs/remotes/origin/" + t; },
        };

        // When it is cleaned up
        worktrees.RemoveIfFinished(ticket);

        // Then the remote's main was asked, and the worktree and the merged branch went
        Assert.Equal(["main"], asked);
        Assert.Contains(rig.Git.Calls, c => c.StartsWith($"worktree remove {ticket.Worktree}", StringComparison.Ordinal));
        Assert.Contains($"branch -D {ticket.Branch}", rig.Git.Calls);
        Assert.Single(rig.Events(EventTypes.WorktreeRemoved));

        // Without the remote asked (this clone's main alone) it would have stayed
        var alone = new TicketWorktrees(rig.Git, rig.Git, rig.Git, rig.Store, rig.Time, rig.Root, rig.Files);
        rig.Files.CreateDirectory(ticket.Worktree!);
        var calls = rig.Git.Calls.Count;
        alone.RemoveIfFinished(ticket);
        Assert.DoesNotContain(rig.Git.Calls.Skip(calls), c => c.StartsWith("worktree remove", StringComparison.Ordinal));
    }
}
