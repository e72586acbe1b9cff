using System.Collections.Concurrent;
using System.Diagnostics;
using Baton.Core.Git;

namespace Baton.Core.Conflicts;

/// <summary>
/// Predicts the merges between live branches without touching any checkout: every pair of live
/// branches (<c>warning</c>) and each branch against its target (<c>critical</c>). One history walk
/// tells which pairs changed a file in common since they parted; only those are merged with
/// <c>git merge-tree</c>, the rest cannot conflict and are skipped. Touches no store.
/// </summary>
public sealed class ConflictScanner
{
    private readonly IGit _git;

    public ConflictScanner(IGit git)
    {
        _git = git;
    }

    public ConflictScan Scan(string repo, IReadOnlyList<LiveBranch> branches)
    {
        ArgumentNullException.ThrowIfNull(branches);
        var clock = Stopwatch.StartNew();
        var heads = _git.BranchHeads(repo);
        var live = branches.Where(b => heads.ContainsKey(b.Name)).DistinctBy(b => b.Name).ToList();
        var missing = branches.Where(b => !heads.ContainsKey(b.Name)).Select(b => b.Name).Distinct(StringComparer.Ordinal).ToList();

        var pairs = new Dictionary<string, (string A, string B, string Severity)>(StringComparer.Ordinal);
        foreach (var b in live.Where(b => b.Target is not null && b.Target != b.Name && heads.ContainsKey(b.Target)))
        {
            pairs[PredictedConflict.Pair(b.Name, b.Target!)] = (b.Name, b.Target!, PredictedConflict.Critical);
        }

        for (var i = 0; i < live.Count; i++)
        {
            for (var j = i + 1; j < live.Count; j++)
            {
                pairs.TryAdd(PredictedConflict.Pair(live[i].Name, live[j].Name), (live[i].Name, live[j].Name, PredictedConflict.Warning));
            }
        }

        var tips = pairs.Values.SelectMany(p => new[] { heads[p.A], heads[p.B] }).Distinct(StringComparer.Ordinal).ToList();
        var graph = Graph(repo, tips);
        var candidates = new List<(string A, string B, string Severity)>();
        foreach (var pair in pairs.Values)
        {
            var (a, b) = (heads[pair.A], heads[pair.B]);
            if (a != b && (graph is null || graph.Overlap(a, b).Count > 0))
            {
                candidates.Add(pair);
            }
        }

        // merge-tree calls are independent processes: run as many at once as there are cores.
        var found = new ConcurrentBag<PredictedConflict>();
        Parallel.ForEach(candidates, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount) }, pair =>
        {
            var files = _git.MergeConflicts(repo, heads[pair.A], heads[pair.B]);
            if (files.Count > 0)
            {
                found.Add(new PredictedConflict(pair.A, pair.B, files.Order(StringComparer.Ordinal).ToList(), pair.Severity));
            }
        });

        var conflicts = found.OrderBy(c => c.Severity == PredictedConflict.Critical ? 0 : 1).ThenBy(c => c.BranchA, StringComparer.Ordinal).ThenBy(c => c.BranchB, StringComparer.Ordinal).ToList();
        var changed = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        if (graph is not null)
        {
            foreach (var b in live.Where(b => b.Target is not null && heads.ContainsKey(b.Target)))
            {
                changed[b.Name] = graph.SideFiles(heads[b.Name], heads[b.Target!]);
            }
        }

        return new ConflictScan
        {
            Branches = live,
            Missing = missing,
            Pairs = pairs.Count,
            Skipped = pairs.Count - candidates.Count,
            MergeTrees = candidates.Count,
            Conflicts = conflicts,
            Changed = changed,
            SuggestedOrder = MergeOrder.Suggest(live.Select(b => b.Name).ToList(), conflicts),
            Elapsed = clock.Elapsed,
        };
    }

    /// <summary>The history since the common ancestor of every tip; null when they share none (then no pair can be skipped).</summary>
    private ChangeGraph? Graph(string repo, IReadOnlyList<string> tips)
    {
        if (tips.Count < 2)
        {
            return new ChangeGraph([]);
        }

        var common = _git.CommonAncestor(repo, tips);
        return common is null ? null : new ChangeGraph(_git.History(repo, tips, common));
    }
}
