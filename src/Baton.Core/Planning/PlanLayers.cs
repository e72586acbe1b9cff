namespace Baton.Core.Planning;

/// <summary>A valid plan's tickets by depth (pure): layer 0 waits for nothing in the plan, layer n for something in layer n-1.</summary>
public static class PlanLayers
{
    /// <summary>Indexes of <paramref name="graph"/>'s tickets per layer, each layer in the plan's order. The graph must have no cycles.</summary>
    public static IReadOnlyList<IReadOnlyList<int>> Of(PlanGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var index = graph.Tickets.Select((t, i) => (t.Key, i)).ToDictionary(x => x.Key, x => x.i, StringComparer.Ordinal);
        var depth = new int?[graph.Tickets.Count];
        int Depth(int i, int guard)
        {
            if (depth[i] is { } known)
            {
                return known;
            }

            if (guard > graph.Tickets.Count)
            {
                throw new InvalidOperationException("the plan has a cycle: validate it first");
            }

            var d = graph.Tickets[i].DependsOn.Where(index.ContainsKey).Select(k => Depth(index[k], guard + 1) + 1).DefaultIfEmpty(0).Max();
            depth[i] = d;
            return d;
        }

        for (var i = 0; i < graph.Tickets.Count; i++)
        {
            Depth(i, 0);
        }

        return Enumerable.Range(0, graph.Tickets.Count).GroupBy(i => depth[i]!.Value).OrderBy(g => g.Key).Select(g => (IReadOnlyList<int>)g.ToList()).ToList();
    }
}
