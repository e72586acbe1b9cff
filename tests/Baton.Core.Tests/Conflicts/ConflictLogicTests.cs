using Baton.Core.Conflicts;
using Baton.Core.Git;
using Xunit;

namespace Baton.Core.Tests.Conflicts;

public sealed class ConflictLogicTests
{
    // base <- m1 (main: c) ; base <- a1 (a: x) <- a2 (a: y) ; m1 <- b1 (b: x, z) ; merge of a2 into b: b2 (resolution: x)
    private static readonly ChangeGraph Graph = new(
    [
        new CommitFiles("b2", ["b1", "a2"], ["x"]),
        new CommitFiles("b1", ["m1"], ["x", "z"]),
        new CommitFiles("m1", ["base"], ["c"]),
        new CommitFiles("a2", ["a1"], ["y"]),
        new CommitFiles("a1", ["base"], ["x"]),
    ]);

    [Fact]
    public void A_side_is_every_commit_reachable_from_it_and_not_from_the_other()
    {
        Assert.Equal(["x", "y"], Graph.SideFiles("a2", "m1").Order());
        Assert.Equal(["c"], Graph.SideFiles("m1", "a2").Order());
        Assert.Equal(["c", "x", "z"], Graph.SideFiles("b1", "a2").Order());
    }

    [Fact]
    public void Pairs_overlap_only_on_files_both_sides_touched_since_they_parted()
    {
        Assert.Equal(["x"], Graph.Overlap("a2", "b1"));
        Assert.Empty(Graph.Overlap("a2", "m1"));

        // b2 merged a2: a's commits are on both sides now, so nothing of a is left to conflict.
        Assert.Empty(Graph.Overlap("a2", "b2"));

        // A tip outside the walk (the common base) reaches nothing: everything of the other side counts.
        Assert.Empty(Graph.Overlap("base", "b2"));
    }

    [Fact]
    public void Merge_order_lands_branches_that_conflict_with_nothing_and_leaves_the_hub_last()
    {
        var conflicts = new List<PredictedConflict>
        {
            new("hub", "a", ["f"], PredictedConflict.Warning),
            new("hub", "b", ["f"], PredictedConflict.Warning),
            new("hub", "c", ["f"], PredictedConflict.Warning),
            new("x", "main", ["g"], PredictedConflict.Critical), // against a target: no effect on order
        };

        var order = MergeOrder.Suggest(["hub", "a", "b", "c", "x"], conflicts);

        Assert.Equal(["a", "b", "c", "x", "hub"], order);
    }

    [Fact]
    public void Merge_order_keeps_the_given_order_without_conflicts()
    {
        Assert.Equal(["c", "a", "b"], MergeOrder.Suggest(["c", "a", "b"], []));
    }

    [Theory]
    [InlineData("src/**", "src/a/b.cs", true)]
    [InlineData("src/*.cs", "src/a/b.cs", false)]
    [InlineData("src/*.cs", "src/b.cs", true)]
    [InlineData("**/*.md", "README.md", true)]
    [InlineData("**/*.md", "docs/x/y.md", true)]
    [InlineData("docs", "docs/a.md", true)]
    [InlineData("docs", "docsy/a.md", false)]
    [InlineData("a?.txt", "ab.txt", true)]
    [InlineData("release/*", "release/1", true)]
    [InlineData("a.txt", "a_txt", false)]
    public void Globs_match_paths_and_branches(string glob, string path, bool expected)
    {
        Assert.Equal(expected, Glob.Matches(glob, path));
    }
}

public sealed class StackParentTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    private static Baton.Core.Tickets.Ticket T(long n, params long[] deps) =>
        new() { Number = n, Title = "t", Status = Baton.Core.Tickets.TicketStatus.Open, DependsOn = deps, CreatedAt = T0, UpdatedAt = T0 };

    [Fact]
    public void Only_one_unmerged_dependency_that_passed_its_gate_can_be_stacked_on()
    {
        var statuses = new Dictionary<long, Baton.Core.Tickets.TicketStatus>
        {
            [1] = Baton.Core.Tickets.TicketStatus.Review,
            [2] = Baton.Core.Tickets.TicketStatus.Done,
            [3] = Baton.Core.Tickets.TicketStatus.Review,
            [4] = Baton.Core.Tickets.TicketStatus.InProgress,
        };

        Assert.Equal(1, Baton.Core.Tickets.TicketRules.StackParent(T(9, 1, 2), statuses));
        Assert.Null(Baton.Core.Tickets.TicketRules.StackParent(T(9, 1, 3), statuses)); // two unmerged parents
        Assert.Null(Baton.Core.Tickets.TicketRules.StackParent(T(9, 4), statuses));    // not through its gate yet
        Assert.Null(Baton.Core.Tickets.TicketRules.StackParent(T(9, 2), statuses));    // simply ready
        Assert.Null(Baton.Core.Tickets.TicketRules.StackParent(T(9, 7), statuses));    // unknown
    }
}
