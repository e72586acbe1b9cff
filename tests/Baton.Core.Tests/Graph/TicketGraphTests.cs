using Baton.Core.Conflicts;
using Baton.Core.Graph;
using Baton.Core.Tickets;
using Xunit;

namespace Baton.Core.Tests.Graph;

public sealed class TicketGraphTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static Ticket T(long n, TicketStatus status = TicketStatus.Open, long[]? deps = null, string? branch = null, long? stackedOn = null, Priority priority = Priority.Medium, int finishedMinutesAgo = 0) => new()
    {
        Number = n,
        Title = "ticket " + n,
        Status = status,
        Priority = priority,
        DependsOn = deps ?? [],
        Branch = branch,
        StackedOn = stackedOn,
        CreatedAt = T0,
        UpdatedAt = T0,
        FinishedAt = status is TicketStatus.Done or TicketStatus.Cancelled ? T0.AddMinutes(-finishedMinutesAgo) : null,
    };

    [Fact]
    public void The_critical_path_is_the_longest_chain_of_tickets_still_to_do()
    {
        // 1 (done) <- 2 <- 3 <- 5 ; 2 <- 4 ; 6 alone. Done 1 is not on it: nothing is left to do there.
        var graph = GraphBuilder.Build([T(1, TicketStatus.Done), T(2, deps: [1]), T(3, TicketStatus.InProgress, [2]), T(4, deps: [2]), T(5, deps: [3]), T(6)], []);

        Assert.Equal(["T-2", "T-3", "T-5"], graph.CriticalPath);
        Assert.Equal(["T-2", "T-3", "T-5"], graph.Nodes.Where(n => n.Critical).Select(n => n.Id));
        var critical = graph.Edges.Where(e => e.Critical).Select(e => (e.From, e.To)).ToList();
        Assert.Equal([("T-2", "T-3"), ("T-3", "T-5")], critical);
        Assert.False(graph.Edges.Single(e => e.From == "T-1").Critical);
        Assert.False(graph.Edges.Single(e => e.To == "T-4").Critical);
    }

    [Fact]
    public void A_failed_ticket_is_still_to_do_and_a_cancelled_one_is_not()
    {
        var failed = GraphBuilder.Build([T(1, TicketStatus.Failed), T(2, deps: [1])], []);
        Assert.Equal(["T-1", "T-2"], failed.CriticalPath);

        var cancelled = GraphBuilder.Build([T(1, TicketStatus.Cancelled), T(2, deps: [1])], []);
        Assert.Empty(cancelled.CriticalPath);
    }

    [Fact]
    public void Without_any_chain_nothing_is_critical_and_ties_go_to_the_lowest_number()
    {
        Assert.Empty(GraphBuilder.Build([T(1), T(2), T(3)], []).CriticalPath);
        // Two chains of two: 1 <- 3 and 2 <- 4; the one ending on the lower number wins.
        Assert.Equal(["T-1", "T-3"], GraphBuilder.Build([T(1), T(2), T(3, deps: [1]), T(4, deps: [2])], []).CriticalPath);
    }

    [Fact]
    public void Every_dependency_points_right_and_no_two_nodes_share_a_place()
    {
        var tickets = new List<Ticket> { T(1), T(2, deps: [1]), T(3, deps: [1]), T(4, deps: [2, 3]), T(5, deps: [4]), T(6, deps: [1, 5]), T(7) };
        var graph = GraphBuilder.Build(tickets, []);
        var at = graph.Nodes.ToDictionary(n => n.Id);

        foreach (var e in graph.Edges.Where(e => e.Kind == GraphEdge.Depends))
        {
            Assert.True(at[e.From].X < at[e.To].X, $"{e.From} -> {e.To} points right");
            Assert.True(at[e.From].Layer < at[e.To].Layer);
        }

        Assert.Equal(graph.Nodes.Count, graph.Nodes.Select(n => (n.X, n.Y)).Distinct().Count());
        Assert.Equal(4, at["T-6"].Layer); // one more than its deepest dependency, T-5
        Assert.All(graph.Nodes, n => Assert.InRange(n.X, 0, graph.Width));
        Assert.All(graph.Nodes, n => Assert.InRange(n.Y, 0, graph.Height));
        Assert.Equal(graph.Nodes, GraphBuilder.Build(tickets, []).Nodes); // deterministic
    }

    [Fact]
    public void Ordering_within_a_layer_follows_the_dependencies_so_edges_do_not_cross()
    {
        // Roots 1 and 2; 2's dependent is listed first by number (3), 1's second (4): the sweep swaps them.
        var graph = GraphBuilder.Build([T(1), T(2), T(3, deps: [2]), T(4, deps: [1])], []);
        var y = graph.Nodes.ToDictionary(n => n.Id, n => n.Y);

        Assert.Equal(y["T-1"] < y["T-2"], y["T-4"] < y["T-3"]);
    }

    [Fact]
    public void A_tall_layer_wraps_into_columns()
    {
        var graph = GraphBuilder.Build(Enumerable.Range(1, 100).Select(n => T(n)).ToList(), []);

        Assert.Equal(3, graph.Nodes.Select(n => n.X).Distinct().Count()); // 100 nodes, 40 rows at most: 3 columns of 34
        Assert.True(graph.Nodes.GroupBy(n => n.X).All(g => g.Count() <= GraphLayout.MaxRows));
        Assert.True(graph.Height <= (GraphLayout.Margin * 2) + (GraphLayout.MaxRows * GraphLayout.RowHeight));
    }

    [Fact]
    public void A_very_big_layer_wraps_into_a_block_about_as_wide_as_it_is_tall()
    {
        var graph = GraphBuilder.Build(Enumerable.Range(1, 2000).Select(n => T(n)).ToList(), []);

        var ratio = (double)graph.Width / graph.Height;
        Assert.InRange(ratio, 0.7, 1.4);
        Assert.Equal(2000, graph.Nodes.Select(n => (n.X, n.Y)).Distinct().Count());
    }

    [Fact]
    public void Stacks_and_conflicts_between_live_branches_are_edges()
    {
        var tickets = new List<Ticket>
        {
            T(1, TicketStatus.InProgress, branch: "baton/t-1"),
            T(2, TicketStatus.InProgress, branch: "baton/t-2", stackedOn: 1),
            T(3, TicketStatus.Done, branch: "baton/t-3"),
            T(4, TicketStatus.Review, branch: "baton/t-4"),
        };
        var conflicts = new List<StoredConflict>
        {
            new(1, "baton/t-1", "baton/t-4", ["src/a.cs"], PredictedConflict.Critical, T0),
            new(2, "baton/t-3", "baton/t-4", ["src/b.cs"], PredictedConflict.Critical, T0), // T-3 is finished: not live
            new(3, "feature/x/overseer", "baton/t-1", ["c"], PredictedConflict.Critical, T0), // no ticket on that branch
        };
        var graph = GraphBuilder.Build(tickets, conflicts);

        var stack = Assert.Single(graph.Edges, e => e.Kind == GraphEdge.Stack);
        Assert.Equal(("T-1", "T-2"), (stack.From, stack.To));
        var conflict = Assert.Single(graph.Edges, e => e.Kind == GraphEdge.Conflict);
        Assert.Equal(("T-1", "T-4"), (conflict.From, conflict.To));
        Assert.Equal(["src/a.cs"], conflict.Files!);
    }

    [Fact]
    public void Ten_thousand_tickets_are_bounded_to_the_unfinished_their_dependencies_and_the_latest_done()
    {
        var tickets = new List<Ticket>();
        for (var n = 1; n <= 10_000; n++)
        {
            // 9,000 done, finished in order (the higher the number, the later); 1,000 open, each on the done ticket 9,000 before it.
            tickets.Add(n <= 9000 ? T(n, TicketStatus.Done, finishedMinutesAgo: 10_000 - n) : T(n, deps: [n - 9000]));
        }

        var graph = GraphBuilder.Build(tickets, []);

        // 1,000 open + their 1,000 done dependencies (1..1000) + the 50 latest done (8951..9000)
        Assert.Equal(2050, graph.Nodes.Count);
        Assert.Equal(10_000 - 2050, graph.Omitted);
        Assert.Equal(10_000, graph.Tickets);
        Assert.Contains(graph.Nodes, n => n.Id == "T-9000");
        Assert.DoesNotContain(graph.Nodes, n => n.Id == "T-8950");
    }

    [Fact]
    public void Past_the_open_cap_the_most_urgent_are_kept()
    {
        var tickets = new List<Ticket> { T(1, priority: Priority.Low), T(2, priority: Priority.Critical), T(3), T(4, priority: Priority.High) };
        var graph = GraphBuilder.Build(tickets, [], maxOpen: 2);

        Assert.Equal(["T-2", "T-4"], graph.Nodes.Select(n => n.Id));
        Assert.Equal(2, graph.Omitted);
    }

    [Fact]
    public void A_cycle_in_bad_data_is_broken_not_looped_on()
    {
        var graph = GraphBuilder.Build([T(1, deps: [2]), T(2, deps: [1]), T(3, deps: [2])], []);

        Assert.Equal(3, graph.Nodes.Count);
        Assert.True(graph.CriticalPath.Count <= 3);
    }
}
