using System.Collections;
using Baton.Core.Git;

namespace Baton.Core.Conflicts;

/// <summary>
/// Which files each side of a pair of branches changed since they parted, from one walk of the
/// history of all of them (<see cref="IGit.History"/>). The side of A against B is every commit
/// reachable from A but not from B: exactly the commits after their merge base. A file that no
/// commit of one side touched cannot conflict, so a pair whose two sides touch no file in common
/// needs no merge to be predicted. The union of the files of a side's commits is a superset of its
/// net diff (a change undone later still counts), so a pair is never skipped wrongly.
/// </summary>
public sealed class ChangeGraph
{
    private readonly IReadOnlyList<CommitFiles> _commits;
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BitArray> _reach = new(StringComparer.Ordinal);

    public ChangeGraph(IReadOnlyList<CommitFiles> commits)
    {
        ArgumentNullException.ThrowIfNull(commits);
        _commits = commits;
        for (var i = 0; i < commits.Count; i++)
        {
            _index[commits[i].Sha] = i;
        }
    }

    public int Commits => _commits.Count;

    /// <summary>The files changed by commits reachable from <paramref name="tip"/> and not from <paramref name="other"/>.</summary>
    public IReadOnlySet<string> SideFiles(string tip, string other)
    {
        var only = new BitArray(Reach(tip)).And(new BitArray(Reach(other)).Not());
        var files = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < only.Length; i++)
        {
            if (only[i])
            {
                files.UnionWith(_commits[i].Files);
            }
        }

        return files;
    }

    /// <summary>The files both sides changed since their merge base; empty when a merge cannot conflict.</summary>
    public IReadOnlySet<string> Overlap(string a, string b)
    {
        var overlap = new HashSet<string>(SideFiles(a, b), StringComparer.Ordinal);
        overlap.IntersectWith(SideFiles(b, a));
        return overlap;
    }

    /// <summary>Commits of the walk reachable from <paramref name="tip"/>; a tip outside the walk (the excluded base) reaches none of them.</summary>
    private BitArray Reach(string tip)
    {
        if (_reach.TryGetValue(tip, out var known))
        {
            return known;
        }

        var reach = new BitArray(_commits.Count);
        var stack = new Stack<int>();
        if (_index.TryGetValue(tip, out var start))
        {
            stack.Push(start);
        }

        while (stack.Count > 0)
        {
            var i = stack.Pop();
            if (reach[i])
            {
                continue;
            }

            reach[i] = true;
            foreach (var parent in _commits[i].Parents)
            {
                if (_index.TryGetValue(parent, out var p) && !reach[p])
                {
                    stack.Push(p);
                }
            }
        }

        _reach[tip] = reach;
        return reach;
    }
}
