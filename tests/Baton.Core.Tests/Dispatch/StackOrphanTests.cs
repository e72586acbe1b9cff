using Baton.Core.Config;
using Baton.Core.Dispatch;
using Baton.Core.Events;
using Baton.Core.Merge;
using Baton.Core.Storage;
using Baton.Core.Tests.Fakes;
using Baton.Core.Tickets;
using Baton.Core.Workers;
using Xunit;

namespace Baton.Core.Tests.Dispatch;

/// <summary>stack_dependents: a ticket stacked on a parent that failed is stopped and requeued from scratch.</summary>
public sealed class StackOrphanTests
{
    private static (Ticket Parent, Ticket Child) Stacked(AutopilotRig rig, TicketStatus parentEnds, TicketStatus childIs)
    {
        var parent = rig.InProgress("t1-1");
        var child = rig.InProgress("t2-1");
        rig.AddWorker("t2-1", WorkerState.Busy, child.Number);
        rig.Files.CreateDirectory(child.Worktree!);
        parent = rig.Tickets.Mutate(parent.Number, t => new TicketMutation(t with { Status = parentEnds, Assignee = null }, []));
        child = rig.Tickets.Mutate(child.Number, t => new TicketMutation(t with { Status = childIs, StackedOn = parent.Number }, []));
        return (parent, child);
    }

    private static StackOrphans Orphans(AutopilotRig rig) => new(rig.Tickets, rig.Db.Merges, rig.Life());

    [Fact]
    public async Task A_working_dependent_of_a_failed_parent_is_stopped_its_work_saved_and_requeued_for_a_fresh_branch()
    {
        // Given T-2 in progress on a branch stacked on T-1, with uncommitted work, and T-1 failed
        using var rig = new AutopilotRig { Config = new AutopilotConfig { StackDependents = true } };
        var (parent, child) = Stacked(rig, TicketStatus.Failed, TicketStatus.InProgress);
        rig.Git.Dirty.Add(child.Worktree!);

        // When the loop looks at stacked tickets
        await Orphans(rig).StepAsync(new TickReport(), CancellationToken.None);

        // Then its agent was ended, its work saved, its worktree removed, and it waits again from scratch
        Assert.Equal(["t2-1"], rig.Workers.Killed);
        Assert.Single(rig.Events(EventTypes.WipSnapshot));
        Assert.Contains($"worktree remove {child.Worktree} --force", rig.Git.Calls);
        Assert.DoesNotContain(rig.Git.Calls, c => c.StartsWith("branch -D", StringComparison.Ordinal));
        var now = rig.Ticket(child.Number);
        Assert.Equal(TicketStatus.Queued, now.Status);
        Assert.Null(now.Assignee);
        Assert.Null(now.StackedOn);
        Assert.Null(now.Branch);
        Assert.Null(now.Worktree);
        var requeued = Assert.Single(rig.Events(EventTypes.TaskRequeued));
        Assert.Equal(parent.Id, requeued.Metadata!["parent"]);
    }

    [Fact]
    public async Task A_dependent_waiting_in_the_merge_queue_leaves_it_when_its_parent_is_cancelled()
    {
        using var rig = new AutopilotRig { Config = new AutopilotConfig { StackDependents = true } };
        var (_, child) = Stacked(rig, TicketStatus.Cancelled, TicketStatus.InProgress);
        var now = rig.Time.GetUtcNow();
        child = rig.Tickets.Mutate(child.Number, t => new TicketMutation(t with { Status = TicketStatus.Review }, [])
        {
            MergeRequest = new MergeRequest { Ticket = t.Number, Branch = t.Branch!, Target = "main", Status = MergeRequestStatus.Queued, Detail = "tested abc", CreatedAt = now, UpdatedAt = now },
        });

        await Orphans(rig).StepAsync(new TickReport(), CancellationToken.None);

        Assert.Equal(TicketStatus.Queued, rig.Ticket(child.Number).Status);
        Assert.Empty(rig.Db.Merges.MergeRequests(openOnly: true));
    }

    [Fact]
    public async Task A_dependent_of_a_parent_that_may_still_land_goes_on()
    {
        // A parent back with its agent (a merge conflict) or waiting to merge is not a failure.
        using var rig = new AutopilotRig { Config = new AutopilotConfig { StackDependents = true } };
        var (_, child) = Stacked(rig, TicketStatus.InProgress, TicketStatus.InProgress);

        await Orphans(rig).StepAsync(new TickReport(), CancellationToken.None);

        Assert.Equal(TicketStatus.InProgress, rig.Ticket(child.Number).Status);
        Assert.Empty(rig.Workers.Killed);
    }
}
