using Baton.Core.Conflicts;
using Baton.Core.Tickets;

namespace Baton.Core.Graph;

/// <summary>
/// Builds the ticket graph the dashboard draws, in one pass over the tickets (pure: no store, no
/// clock). It is bounded so 10,000 tickets stay drawable: every unfinished ticket (up to
/// <see cref="MaxOpen"/>, most urgent first), the finished ones those depend on or are stacked
/// on, and the <see cref="RecentDone"/> most recently finished; the rest are counted in
/// <see cref="TicketGraph.Omitted"/>.
/// </summary>
/// <remarks>
/// The critical path is the longest chain of dependencies made only of tickets still to do (any
/// status but done and cancelled; a failed ticket still has to be done again before its
/// dependents can start), each ticket weighing one: Baton has no estimate of a ticket it has not
/// run, and an average of past durations would weigh every ticket the same anyway. So it is the
/// number of tickets that must still finish one after the other, the least number of rounds the
/// work needs however many workers there are. A chain of one ticket is not a path: with no
/// dependencies left, nothing is critical. Ties go to the chain that ends on the lowest number.
/// </remarks>
public static class GraphBuilder
{
    public const int MaxOpen = 2000;
    public const int RecentDone = 50;

    public static TicketGraph Build(IReadOnlyList<Ticket> tickets, IReadOnlyList<StoredConflict> conflicts, int maxOpen = MaxOpen, int recentDone = RecentDone)
    {
        ArgumentNullException.ThrowIfNull(tickets);
        ArgumentNullException.ThrowIfNull(conflicts);
        var kept = Select(tickets, maxOpen, recentDone);
        var byNumber = kept.ToDictionary(t => t.Number);
        var deps = kept.ToDictionary(t => t.Number, t => t.DependsOn.Where(byNumber.ContainsKey).Distinct().Order().ToList());
        var order = GraphLayout.TopologicalOrder(kept.Select(t => t.Number).Order().ToList(), deps);
        var path = CriticalPath(order, deps, byNumber);
        var onPath = path.ToHashSet();
        var criticalEdges = path.Zip(path.Skip(1)).ToHashSet();

        var edges = new List<GraphEdge>();
        foreach (var t in kept.OrderBy(t => t.Number))
        {
            edges.AddRange(deps[t.Number].Select(d => new GraphEdge(TicketId.Format(d), t.Id, GraphEdge.Depends, criticalEdges.Contains((d, t.Number)))));
            if (t.StackedOn is { } parent && byNumber.ContainsKey(parent))
            {
                edges.Add(new GraphEdge(TicketId.Format(parent), t.Id, GraphEdge.Stack, false));
            }
        }

        edges.AddRange(ConflictEdges(kept, conflicts));
        var placed = GraphLayout.Place(order, deps);
        var nodes = kept.OrderBy(t => t.Number).Select(t =>
        {
            var (layer, x, y) = placed.Positions[t.Number];
            return new GraphNode(t.Id, t.Number, t.Title, t.Status.ToText(), t.Priority.ToText(), t.Feature, t.Assignee, t.Branch, layer, x, y, onPath.Contains(t.Number));
        }).ToList();
        return new TicketGraph(nodes, edges, path.Select(TicketId.Format).ToList(), placed.Width, placed.Height, tickets.Count, tickets.Count - kept.Count);
    }

    /// <summary>Still to do: what the critical path is made of.</summary>
    public static bool Remaining(TicketStatus status) => status is not (TicketStatus.Done or TicketStatus.Cancelled);

    private static List<Ticket> Select(IReadOnlyList<Ticket> tickets, int maxOpen, int recentDone)
    {
        var all = tickets.ToDictionary(t => t.Number);
        var open = tickets.Where(t => Remaining(t.Status))
            .OrderBy(t => t.Priority).ThenBy(t => t.Number)
            .Take(maxOpen).ToList();
        var kept = open.Select(t => t.Number).ToHashSet();
        var result = new List<Ticket>(open);
        void Add(long number)
        {
            if (all.TryGetValue(number, out var t) && kept.Add(number))
            {
                result.Add(t);
            }
        }

        foreach (var t in open)
        {
            foreach (var d in t.DependsOn)
            {
                Add(d);
            }

            if (t.StackedOn is { } parent)
            {
                Add(parent);
            }
        }

        foreach (var t in tickets.Where(t => !Remaining(t.Status)).OrderByDescending(t => t.FinishedAt ?? t.UpdatedAt).ThenByDescending(t => t.Number).Take(recentDone))
        {
            Add(t.Number);
        }

        return result;
    }

    /// <summary>The longest chain of remaining tickets (see the class remarks), first ticket first.</summary>
    private static List<long> CriticalPath(IReadOnlyList<long> order, IReadOnlyDictionary<long, List<long>> deps, IReadOnlyDictionary<long, Ticket> tickets)
    {
        var length = new Dictionary<long, int>();
        var previous = new Dictionary<long, long>();
        long best = 0;
        var bestLength = 0;
        foreach (var n in order)
        {
            if (!Remaining(tickets[n].Status))
            {
                length[n] = 0;
                continue;
            }

            var longest = 0;
            foreach (var d in deps[n])
            {
                // A dependency later in the order closes a cycle (the store refuses those): not part of a chain.
                if (length.TryGetValue(d, out var l) && l > longest)
                {
                    longest = l;
                    previous[n] = d;
                }
            }

            length[n] = longest + 1;
            if (length[n] > bestLength || (length[n] == bestLength && n < best))
            {
                bestLength = length[n];
                best = n;
            }
        }

        if (bestLength < 2)
        {
            return [];
        }

        var path = new List<long> { best };
        while (previous.TryGetValue(path[^1], out var p))
        {
            path.Add(p);
        }

        path.Reverse();
        return path;
    }

    private static IEnumerable<GraphEdge> ConflictEdges(IReadOnlyList<Ticket> kept, IReadOnlyList<StoredConflict> conflicts)
    {
        // Only live branches conflict: a finished ticket's branch is merged or abandoned.
        var owners = new Dictionary<string, Ticket>(StringComparer.Ordinal);
        foreach (var t in kept.Where(t => t.Branch is not null && !t.Status.IsFinished()).OrderBy(t => t.Number))
        {
            owners.TryAdd(t.Branch!, t);
        }

        foreach (var c in conflicts.OrderBy(c => c.Id))
        {
            if (owners.TryGetValue(c.BranchA, out var a) && owners.TryGetValue(c.BranchB, out var b) && a.Number != b.Number)
            {
                yield return new GraphEdge(a.Id, b.Id, GraphEdge.Conflict, false) { Severity = c.Severity, Files = c.Files };
            }
        }
    }
}
