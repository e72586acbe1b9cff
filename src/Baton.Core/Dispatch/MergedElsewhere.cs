using Baton.Core.Tickets;

namespace Baton.Core.Dispatch;

/// <summary>
/// A node's clone: a ticket the merge queue merged on another node keeps its worktree in the
/// clone that ran it (the merging node's clean-up leaves other clones' worktrees alone). The node
/// whose clone holds it hands it to its own clean-up at its next tick: each done ticket whose
/// worktree is in this clone and still there, once per run. Owned by the loop thread.
/// </summary>
public sealed class MergedElsewhere
{
    private readonly Func<string, bool> _owns;
    private readonly Func<string, bool> _exists;
    private readonly HashSet<long> _seen = [];

    /// <param name="owns">Whether a worktree is in this clone (<see cref="Nodes.SharedRemote.Owns"/>).</param>
    /// <param name="exists">Whether a folder is there (looked at only for this clone's worktrees).</param>
    public MergedElsewhere(Func<string, bool> owns, Func<string, bool> exists)
    {
        ArgumentNullException.ThrowIfNull(owns);
        ArgumentNullException.ThrowIfNull(exists);
        _owns = owns;
        _exists = exists;
    }

    /// <summary>The done tickets of <paramref name="all"/> whose worktree here is to be cleaned up, each once.</summary>
    public IReadOnlyList<Ticket> Due(IEnumerable<Ticket> all)
    {
        ArgumentNullException.ThrowIfNull(all);
        var due = new List<Ticket>();
        foreach (var t in all)
        {
            if (t.Status == TicketStatus.Done && t.Worktree is { } worktree && _seen.Add(t.Number) && _owns(worktree) && _exists(worktree))
            {
                due.Add(t);
            }
        }

        return due;
    }
}
