using Baton.Core.Tickets;
using Xunit;

namespace Baton.Core.Tests.Tickets;

public sealed class DependencyCycleTests
{
    private static Dictionary<long, IReadOnlyList<long>> Graph(params (long Ticket, long[] DependsOn)[] edges) =>
        edges.ToDictionary(e => e.Ticket, e => (IReadOnlyList<long>)e.DependsOn);

    [Fact]
    public void Adding_a_dependency_to_an_unrelated_ticket_is_fine()
    {
        var graph = Graph((1, [2]), (2, []), (3, []));

        Assert.Null(TicketRules.FindCycle(graph, 3, [1]));
    }

    [Fact]
    public void A_direct_cycle_is_refused_and_named()
    {
        var graph = Graph((1, [2]), (2, []));

        var cycle = TicketRules.FindCycle(graph, 2, [1]);

        Assert.Equal([2L, 1L, 2L], cycle);
    }

    [Fact]
    public void A_long_cycle_starts_and_ends_with_the_ticket_being_changed()
    {
        var graph = Graph((1, [2]), (2, [3]), (3, []));

        var cycle = TicketRules.FindCycle(graph, 3, [1]);

        Assert.Equal([3L, 1L, 2L, 3L], cycle);
        Assert.Equal("T-3 -> T-1 -> T-2 -> T-3", TicketRules.DescribeCycle(cycle!));
    }

    [Fact]
    public void A_ticket_cannot_depend_on_itself()
    {
        var cycle = TicketRules.FindCycle(Graph(), 4, [4]);

        Assert.Equal([4L, 4L], cycle);
        Assert.Equal("T-4 -> T-4", TicketRules.DescribeCycle(cycle!));
    }

    [Fact]
    public void A_diamond_is_not_a_cycle()
    {
        // 1 needs 2 and 3, both need 4: two paths to 4, but no way back to 1.
        var graph = Graph((1, [2, 3]), (2, [4]), (3, [4]), (4, []));

        Assert.Null(TicketRules.FindCycle(graph, 1, [4]));
        Assert.Null(TicketRules.FindCycle(graph, 4, [5]));
    }

    [Fact]
    public void Only_the_dependency_that_closes_the_loop_matters()
    {
        var graph = Graph((1, [2]), (2, [3]), (3, []), (5, []));

        var cycle = TicketRules.FindCycle(graph, 3, [5, 2]);

        Assert.Equal([3L, 2L, 3L], cycle);
    }

    [Fact]
    public void A_cycle_elsewhere_in_the_graph_does_not_hang_the_search()
    {
        var graph = Graph((1, [2]), (2, [1]), (3, []));

        Assert.Null(TicketRules.FindCycle(graph, 3, [1]));
    }

    [Fact]
    public void Ten_thousand_tickets_in_a_chain_do_not_overflow_the_stack()
    {
        const int n = 10_000;
        var graph = new Dictionary<long, IReadOnlyList<long>>();
        for (long i = 1; i < n; i++)
        {
            graph[i] = [i + 1];
        }

        var cycle = TicketRules.FindCycle(graph, n, [1]);

        Assert.NotNull(cycle);
        Assert.Equal(n + 1, cycle.Count);
        Assert.Equal(n, cycle[0]);
        Assert.Equal(1, cycle[1]);
        Assert.Equal(n, cycle[^1]);
        Assert.Null(TicketRules.FindCycle(graph, n + 1, [1]));
    }
}
