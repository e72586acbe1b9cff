using System.Globalization;
using Baton.Core.Events;
using Baton.Core.Files;
using Baton.Core.Git;
using Baton.Core.Storage;
using Baton.Core.Tickets;

namespace Baton.Core.Dispatch;

/// <summary>
/// A ticket's worktree once its agent is gone: uncommitted changes are saved as a snapshot commit
/// under refs/baton/wip/ before anything is removed, and a worktree goes only when its branch is in
/// its target (then the branch goes too) or the ticket was cancelled.
/// </summary>
public sealed class TicketWorktrees
{
    private readonly IGitWorktrees _worktrees;
    private readonly IGitHistory _history;
    private readonly IGitChanges _changes;
    private readonly IStore _store;
    private readonly TimeProvider _time;
    private readonly string _root;
    private readonly IFiles _files;

    public TicketWorktrees(IGitWorktrees worktrees, IGitHistory history, IGitChanges changes, IStore store, TimeProvider time, string root, IFiles files)
    {
        _worktrees = worktrees;
        _history = history;
        _changes = changes;
        _store = store;
        _time = time;
        _root = root;
        _files = files;
    }

    /// <summary>The worktrees of the tickets of <paramref name="c"/> (under its worktree lock when it has one).</summary>
    public static TicketWorktrees For(AutopilotContext c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return new(c.Worktrees, c.Git, c.Git, c.Store, c.Time, c.Root, c.Files) { Local = c.Remote is { } remote ? remote.Owns : null, MergedInto = c.Remote is { } shared ? shared.MergedInto : null };
    }

    /// <summary>
    /// What a branch is looked for in to tell it merged into a target branch: a node's clone asks
    /// the shared remote's (another node may have merged it). Null: the target branch here.
    /// </summary>
    public Func<string, string>? MergedInto { get; init; }

    private MergeState Merged(string branch, string target) => _history.MergeState(_root, branch, MergedInto?.Invoke(target) ?? target);

    /// <summary>
    /// Whether a recorded worktree is this repository's: a node's clone leaves another node's
    /// worktree (in that node's clone) alone. Null: every one is.
    /// </summary>
    public Func<string, bool>? Local { get; init; }

    /// <summary>The worktree is there and this repository's to change.</summary>
    private bool Here([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? worktree) => worktree is not null && (Local?.Invoke(worktree) ?? true) && _files.DirectoryExists(worktree);

    /// <summary>Removes a merged or cancelled ticket's worktree (after a snapshot of anything uncommitted); a done ticket not in its target keeps it.</summary>
    public void RemoveIfFinished(Ticket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        if (ticket.Status is not (TicketStatus.Done or TicketStatus.Cancelled) || !Here(ticket.Worktree))
        {
            return;
        }

        var merged = ticket.Branch is not null && ticket.Target is not null && Merged(ticket.Branch, ticket.Target) != MergeState.NotMerged;
        if (ticket.Status == TicketStatus.Done && !merged)
        {
            return; // done but not in its target (merge.auto off, or done by hand): keep the work where it is
        }

        var snapshot = Snapshot(ticket, ticket.Status == TicketStatus.Done ? "merged" : "abandoned");
        _worktrees.RemoveWorktree(_root, ticket.Worktree, force: snapshot is not null);
        var keep = FeatureBranches.IsLongLived(ticket.Branch); // an implementor's branch outlives its tickets
        if (merged && !keep)
        {
            _worktrees.DeleteBranch(_root, ticket.Branch!);
        }

        _store.AppendEvent(Dispatcher.Event(ticket, EventTypes.WorktreeRemoved,
            $"{ticket.Id}: worktree {ticket.Worktree} removed ({(merged ? $"{ticket.Branch} merged into {ticket.Target}; branch {(keep ? "kept (the feature's)" : "deleted")}" : "abandoned; branch kept")})", _time.GetUtcNow()));
    }

    /// <summary>
    /// Removes a worktree whose branch will not go on (a stacked ticket whose parent failed starts
    /// again from its target): uncommitted work is saved first, the branch is kept with what was
    /// committed on it.
    /// </summary>
    public void Discard(Ticket ticket, string why)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        if (!Here(ticket.Worktree))
        {
            return;
        }

        Snapshot(ticket, why);
        _worktrees.RemoveWorktree(_root, ticket.Worktree, force: true);
        _store.AppendEvent(Dispatcher.Event(ticket, EventTypes.WorktreeRemoved, $"{ticket.Id}: worktree {ticket.Worktree} removed ({why}; branch {ticket.Branch} kept)", _time.GetUtcNow()));
    }

    /// <summary>
    /// Finishes the clean-up of a done or cancelled ticket that an earlier run began and did not
    /// end (it was killed between removing the worktree, deleting the branch and recording it):
    /// a worktree still there goes as <see cref="RemoveIfFinished"/> removes it; a merged branch
    /// whose worktree is already gone is deleted, once git has forgotten that worktree.
    /// <paramref name="branchExists"/>: whether the ticket's branch is still there (the caller
    /// lists the branches once). Returns what it did, or null when there was nothing left to do.
    /// </summary>
    public string? FinishCleanUp(Ticket ticket, bool branchExists)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        if (Here(ticket.Worktree))
        {
            RemoveIfFinished(ticket);
            return _files.DirectoryExists(ticket.Worktree) ? null : $"{ticket.Id}: finished the clean-up an earlier run began (worktree removed)";
        }

        if (ticket.Status != TicketStatus.Done || !branchExists || ticket.Target is null || FeatureBranches.IsLongLived(ticket.Branch)
            || Merged(ticket.Branch!, ticket.Target) == MergeState.NotMerged)
        {
            return null; // unmerged work stays where it is
        }

        _worktrees.Prune(_root);
        if (!_worktrees.DeleteBranch(_root, ticket.Branch!))
        {
            return null;
        }

        _store.AppendEvent(Dispatcher.Event(ticket, EventTypes.WorktreeRemoved,
            $"{ticket.Id}: clean-up finished after an earlier run stopped in it: {ticket.Branch} merged into {ticket.Target}; branch deleted", _time.GetUtcNow()));
        return $"{ticket.Id}: finished the clean-up an earlier run began (branch {ticket.Branch} deleted)";
    }

    /// <summary>
    /// Before <paramref name="next"/> starts on a branch other tickets used (a feature's
    /// implementor branch): a finished one's worktree that still holds it is removed (git checks a
    /// branch out in one worktree only), its uncommitted changes saved first; its commits are on
    /// the branch itself. Returns the tickets whose worktree went.
    /// </summary>
    public IReadOnlyList<string> ReleaseBranch(Ticket next, IEnumerable<Ticket> others)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(others);
        var released = new List<string>();
        foreach (var t in others.Where(t => t.Number != next.Number && t.Branch == next.Branch && t.Status.IsFinished()
            && t.Worktree is not null && t.Worktree != next.Worktree && Here(t.Worktree)))
        {
            var snapshot = Snapshot(t, $"{next.Id} starts on {t.Branch}");
            _worktrees.RemoveWorktree(_root, t.Worktree!, force: true);
            _store.AppendEvent(Dispatcher.Event(t, EventTypes.WorktreeRemoved,
                $"{t.Id}: worktree {t.Worktree} removed: {next.Id} starts on its branch {t.Branch}{(snapshot is null ? "" : $" (uncommitted changes saved as {snapshot})")}; branch kept", _time.GetUtcNow()));
            released.Add(t.Id);
        }

        return released;
    }

    /// <summary>Saves uncommitted changes in the ticket's worktree on refs/baton/wip/T-n/TIME; returns the ref, or null when there was nothing.</summary>
    public string? Snapshot(Ticket ticket, string why)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        if (!Here(ticket.Worktree) || !_changes.IsDirty(ticket.Worktree!))
        {
            return null;
        }

        var now = _time.GetUtcNow();
        var name = $"refs/baton/wip/{ticket.Id}/{now.UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture)}";
        var commit = _changes.SnapshotWip(ticket.Worktree, name, $"WIP {ticket.Id} ({why}): uncommitted work saved by Baton");
        if (commit is null)
        {
            return null;
        }

        _store.AppendEvent(Dispatcher.Event(ticket, EventTypes.WipSnapshot, $"{ticket.Id}: uncommitted changes in {ticket.Worktree} saved as {name} ({commit[..12]}); `baton wip restore {name}` brings them back", now,
            metadata: new Dictionary<string, string> { ["ref"] = name, ["commit"] = commit }));
        return name;
    }
}
