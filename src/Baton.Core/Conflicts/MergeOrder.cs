namespace Baton.Core.Conflicts;

/// <summary>
/// Suggests an order to merge live branches in. Each predicted conflict between two branches is
/// resolved by whichever lands second, so a branch has to be reworked when any branch it conflicts
/// with lands before it. Landing a set of branches that do not conflict with each other first,
/// the largest such set, leaves the fewest to rework: found greedily (the branch with the fewest
/// conflicts among those left goes next; its conflicting partners wait for the next round), then
/// the same again for the rest. Ties keep the given order (oldest first).
/// </summary>
public static class MergeOrder
{
    public static IReadOnlyList<string> Suggest(IReadOnlyList<string> branches, IReadOnlyList<PredictedConflict> conflicts)
    {
        ArgumentNullException.ThrowIfNull(branches);
        ArgumentNullException.ThrowIfNull(conflicts);
        var edges = branches.ToDictionary(b => b, _ => new HashSet<string>(StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (var c in conflicts.Where(c => c.Severity == PredictedConflict.Warning))
        {
            if (edges.TryGetValue(c.BranchA, out var a) && edges.TryGetValue(c.BranchB, out var b))
            {
                a.Add(c.BranchB);
                b.Add(c.BranchA);
            }
        }

        var order = new List<string>();
        var left = branches.ToList();
        while (left.Count > 0)
        {
            var round = new List<string>();
            var blocked = new HashSet<string>(StringComparer.Ordinal);
            var remaining = new HashSet<string>(left, StringComparer.Ordinal);
            foreach (var next in left.OrderBy(b => edges[b].Count(remaining.Contains)).ThenBy(left.IndexOf))
            {
                if (!blocked.Contains(next))
                {
                    round.Add(next);
                    blocked.UnionWith(edges[next]);
                }
            }

            // Within a round nothing conflicts: keep the given order.
            order.AddRange(left.Where(round.Contains));
            left.RemoveAll(round.Contains);
        }

        return order;
    }
}
