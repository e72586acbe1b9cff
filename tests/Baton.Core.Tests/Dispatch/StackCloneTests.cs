using Baton.Core.Config;
using Baton.Core.Dispatch;
using Baton.Core.Events;
using Baton.Core.Git;
using Baton.Core.Storage;
using Baton.Core.Tests.Fakes;
using Baton.Core.Tickets;
using Xunit;

namespace Baton.Core.Tests.Dispatch;

/// <summary>stack_dependents in a node's clone: the restack after the parent landed rebases onto the shared remote's target, and never another clone's worktree.</summary>
public sealed class StackCloneTests
{
    private static (Ticket Parent, Ticket Child) Landed(AutopilotRig rig)
    {
        var parent = rig.InProgress("t1-1");
        var child = rig.InProgress("t2-1");
        parent = rig.Tickets.Mutate(parent.Number, t => new TicketMutation(t with { Status = TicketStatus.Done, Assignee = null }, []));
        child = rig.Tickets.Mutate(child.Number, t => new TicketMutation(t with { Status = TicketStatus.Review, StackedOn = parent.Number }, []));
        return (parent, child);
    }

    [Fact]
    public async Task After_the_parent_landed_elsewhere_the_target_is_brought_up_before_the_rebase_onto_it()
    {
        // Given a dependent in this clone whose parent another node merged (the local target lacks it)
        using var rig = new AutopilotRig { Config = new AutopilotConfig { StackDependents = true } };
        var (_, child) = Landed(rig);
        var order = new List<string>();
        rig.Git.OnRebase = (dir, onto) =>
        {
            order.Add($"rebase {dir} {onto}");
            return new MergeAttempt(true, "r".PadRight(40, '1'), [], "");
        };
        var stacks = new Stacks(rig.Time, rig.Tickets, rig.Git, rig.Life()) { LocalWorktree = _ => true, SyncTarget = t => order.Add("sync " + t) };

        // When it is restacked
        var step = await stacks.RestackAsync(child, new TickReport(), CancellationToken.None);

        // Then the target came from the remote first, then the rebase onto it
        Assert.Equal(Stacks.Step.Rebased, step);
        Assert.Equal(["sync main", $"rebase {child.Worktree} main"], order);
        Assert.Null(rig.Ticket(child.Number).StackedOn);
    }

    [Fact]
    public async Task A_dependent_whose_worktree_is_in_another_clone_is_not_rebased_from_here_and_lands_as_it_is()
    {
        // Given the merge queue's node, which did not run the dependent (its worktree is in another node's clone)
        using var rig = new AutopilotRig { Config = new AutopilotConfig { StackDependents = true } };
        var (parent, child) = Landed(rig);
        var synced = new List<string>();
        var stacks = new Stacks(rig.Time, rig.Tickets, rig.Git, rig.Life()) { LocalWorktree = _ => false, SyncTarget = synced.Add };

        // When the queue restacks it (FakeGit fails any rebase: none may run)
        var step = await stacks.RestackAsync(child, new TickReport(), CancellationToken.None);

        // Then nothing ran in that worktree; it is no longer stacked, and goes on to its merge as it is
        Assert.Equal(Stacks.Step.None, step);
        Assert.Empty(synced);
        Assert.DoesNotContain(rig.Git.Calls, c => c.StartsWith("rebase", StringComparison.Ordinal));
        Assert.Null(rig.Ticket(child.Number).StackedOn);
        var restacked = Assert.Single(rig.Events(EventTypes.TaskRestacked));
        Assert.Contains($"{parent.Id} merged", restacked.Message, StringComparison.Ordinal);
        Assert.Contains("another node's clone", restacked.Message, StringComparison.Ordinal);
    }
}
