namespace Baton.Core.Graph;

/// <summary>
/// A layered drawing of a DAG (the Sugiyama scheme, kept small): each node's layer is one more
/// than its deepest dependency's, so every dependency edge points right; nodes within a layer are
/// ordered by the barycentre of their neighbours (a few sweeps each way) to cut crossings; a layer
/// taller than <see cref="MaxRows"/> wraps into several columns, a big one into a block about as
/// wide as it is tall, so 2,000 independent tickets are not a strip 100,000 px long. Deterministic:
/// same input, same drawing.
/// </summary>
public static class GraphLayout
{
    public const int ColumnWidth = 220;
    public const int RowHeight = 56;
    public const int Margin = 100;
    public const int MaxRows = 40;
    private const int Sweeps = 4;

    /// <summary>Dependencies before dependents, ties by the given order; a cycle (which the store refuses) is broken, not looped on.</summary>
    public static IReadOnlyList<long> TopologicalOrder(IReadOnlyList<long> nodes, IReadOnlyDictionary<long, List<long>> deps)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(deps);
        var waiting = nodes.ToDictionary(n => n, n => deps[n].Count);
        var dependents = nodes.ToDictionary(n => n, _ => new List<long>());
        foreach (var n in nodes)
        {
            foreach (var d in deps[n])
            {
                dependents[d].Add(n);
            }
        }

        var ready = new PriorityQueue<long, long>(nodes.Where(n => waiting[n] == 0).Select(n => (n, n)));
        var order = new List<long>(nodes.Count);
        var done = new HashSet<long>();
        while (order.Count < nodes.Count)
        {
            if (ready.Count == 0)
            {
                // Only a cycle is left: take its lowest number as if its dependencies were met.
                var next = nodes.First(n => !done.Contains(n));
                ready.Enqueue(next, next);
                waiting[next] = 0;
            }

            var n = ready.Dequeue();
            if (!done.Add(n))
            {
                continue;
            }

            order.Add(n);
            foreach (var m in dependents[n])
            {
                if (--waiting[m] == 0 && !done.Contains(m))
                {
                    ready.Enqueue(m, m);
                }
            }
        }

        return order;
    }

    /// <summary>Layer and centre of every node in <paramref name="order"/> (a topological order), and the drawing's size.</summary>
    public static GraphPlacement Place(IReadOnlyList<long> order, IReadOnlyDictionary<long, List<long>> deps)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(deps);
        var layer = new Dictionary<long, int>(order.Count);
        foreach (var n in order)
        {
            layer[n] = deps[n].Where(layer.ContainsKey).Select(d => layer[d] + 1).DefaultIfEmpty(0).Max();
        }

        var layers = order.GroupBy(n => layer[n]).OrderBy(g => g.Key).Select(g => g.ToList()).ToList();
        var dependents = order.ToDictionary(n => n, _ => new List<long>());
        foreach (var n in order)
        {
            foreach (var d in deps[n].Where(layer.ContainsKey))
            {
                dependents[d].Add(n);
            }
        }

        var rank = new Dictionary<long, double>(order.Count);
        Rank(layers, rank);
        for (var sweep = 0; sweep < Sweeps; sweep++)
        {
            var down = sweep % 2 == 0;
            for (var i = down ? 1 : layers.Count - 2; down ? i < layers.Count : i >= 0; i += down ? 1 : -1)
            {
                var neighbours = down ? (IReadOnlyDictionary<long, List<long>>)deps : dependents;
                var current = layers[i];
                var key = current.ToDictionary(n => n, n =>
                {
                    var ranks = neighbours[n].Where(rank.ContainsKey).Select(m => rank[m]).ToList();
                    return ranks.Count > 0 ? ranks.Average() : rank[n];
                });
                layers[i] = current.OrderBy(n => key[n]).ThenBy(n => rank[n]).ToList();
                Rank([layers[i]], rank);
            }
        }

        var positions = new Dictionary<long, (int Layer, int X, int Y)>(order.Count);
        var column = 0;
        var rows = 0;
        for (var l = 0; l < layers.Count; l++)
        {
            var nodes = layers[l];
            // A big layer wraps into a block about as wide as it is tall (in pixels), not a strip.
            var rowsPerColumn = Math.Max(MaxRows, (int)Math.Ceiling(Math.Sqrt(nodes.Count * (double)ColumnWidth / RowHeight)));
            var columns = (nodes.Count + rowsPerColumn - 1) / rowsPerColumn;
            var perColumn = (nodes.Count + columns - 1) / columns;
            for (var i = 0; i < nodes.Count; i++)
            {
                positions[nodes[i]] = (l, Margin + (column + (i / perColumn)) * ColumnWidth, Margin + (i % perColumn) * RowHeight);
            }

            rows = Math.Max(rows, perColumn);
            column += columns;
        }

        return new GraphPlacement(positions, Margin * 2 + Math.Max(0, column - 1) * ColumnWidth, Margin * 2 + Math.Max(0, rows - 1) * RowHeight);
    }

    /// <summary>A node's rank: its place in its layer scaled to 0..1, so layers of different sizes compare.</summary>
    private static void Rank(IEnumerable<List<long>> layers, Dictionary<long, double> rank)
    {
        foreach (var nodes in layers)
        {
            for (var i = 0; i < nodes.Count; i++)
            {
                rank[nodes[i]] = nodes.Count == 1 ? 0.5 : (double)i / (nodes.Count - 1);
            }
        }
    }
}
