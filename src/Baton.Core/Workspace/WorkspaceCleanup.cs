using System.Globalization;
using Baton.Core.Config;
using Baton.Core.Dispatch;
using Baton.Core.Events;
using Baton.Core.Files;
using Baton.Core.Git;
using Baton.Core.Merge;
using Baton.Core.Storage;
using Baton.Core.Tickets;
using Baton.Core.Tmux;
using Baton.Core.Workers;

namespace Baton.Core.Workspace;

/// <summary>One thing `baton gc` removed, would remove (dry run), or left and why.</summary>
public sealed record CleanupItem(string Kind, string Target, string Reason, bool Removed, string? Ticket = null, string? WipRef = null, string? Kept = null);

/// <summary>
/// What piles up when `baton up` runs for weeks, cleaned up (`baton gc`, and `up` on its
/// `workspace.cleanup_every`): worktrees of failed and cancelled tickets, merged or closed tickets'
/// branches, folders in the worktrees folder (.baton/worktrees or workspace.base_dir) no ticket owns, sessions of agents that ended, their logs
/// and hook spools. Never unsaved work: uncommitted changes of a ticket's worktree are saved as a
/// refs/baton/wip/ snapshot first, and a dirty folder that is no ticket's is left (and said so).
/// Never a live ticket's or a live worker's things. Safe beside a running loop: each item is
/// decided from the store as it is when the item is reached.
/// </summary>
public sealed class WorkspaceCleanup
{
    private readonly ITicketStore _tickets;
    private readonly IStore _store;
    private readonly IMergeStore _merges;
    private readonly IGitWorktrees _worktrees;
    private readonly IGitBranches _branches;
    private readonly IGitChanges _changes;
    private readonly IGitHistory _history;
    private readonly TicketWorktrees _ticketWorktrees;
    private readonly ITmux _tmux;
    private readonly IFiles _files;
    private readonly BatonPaths _paths;
    private readonly string _sessionPrefix;
    private readonly TimeProvider _time;

    public WorkspaceCleanup(ITicketStore tickets, IStore store, IMergeStore merges, IGitWorktrees worktrees, IGitBranches branches, IGitChanges changes,
        IGitHistory history, TicketWorktrees ticketWorktrees, ITmux tmux, IFiles files, BatonPaths paths, string sessionPrefix, TimeProvider time)
    {
        _tickets = tickets;
        _store = store;
        _merges = merges;
        _worktrees = worktrees;
        _branches = branches;
        _changes = changes;
        _history = history;
        _ticketWorktrees = ticketWorktrees;
        _tmux = tmux;
        _files = files;
        _paths = paths;
        _sessionPrefix = sessionPrefix;
        _time = time;
    }

    /// <summary>The clean-up over an autopilot context's ports (its worktree lock included).</summary>
    public static WorkspaceCleanup For(AutopilotContext c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return new(c.Tickets, c.Store, c.Merges, c.Worktrees, c.Git, c.Git, c.Git, TicketWorktrees.For(c),
            c.Workers.Tmux(c.Workers.Config.TmuxSocket), c.Files, c.Workers.Paths, c.Workers.Config.SessionPrefix, c.Time);
    }

    private string WorktreesDir => _paths.WorktreesDir;

    public IReadOnlyList<CleanupItem> Run(TimeSpan olderThan, bool dryRun)
    {
        var now = _time.GetUtcNow();
        var cutoff = now - olderThan;
        var items = new List<CleanupItem>();
        var workers = _store.ListWorkers(includeKilled: true).ToDictionary(w => w.Name, StringComparer.Ordinal);
        var live = workers.Values.Where(w => w.State.IsLive()).ToList();
        var liveTickets = live.Select(w => w.Ticket).OfType<long>().ToHashSet();
        var tickets = _tickets.ListTickets(new TicketQuery()).ToList();
        Worktrees(tickets, liveTickets, cutoff, dryRun, items);
        Branches(tickets, liveTickets, cutoff, dryRun, items);
        Orphans(tickets, cutoff, dryRun, items);
        Sessions(workers, cutoff, dryRun, items);
        Logs(workers, cutoff, dryRun, items);
        if (!dryRun && items.Any(i => i.Removed))
        {
            _store.AppendEvent(new EventRecord
            {
                Time = now,
                Type = EventTypes.WorkspaceCleaned,
                Message = $"workspace clean-up: {Summary(items)}",
                Metadata = items.Where(i => i.Removed).GroupBy(i => i.Kind).ToDictionary(g => g.Key, g => g.Count().ToString(CultureInfo.InvariantCulture), StringComparer.Ordinal),
            });
        }

        return items;
    }

    public static string Summary(IReadOnlyList<CleanupItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var removed = items.Where(i => i.Removed).GroupBy(i => i.Kind).Select(g => $"{g.Count()} {g.Key}{(g.Count() == 1 ? "" : "s")}").ToList();
        var kept = items.Count(i => !i.Removed);
        return (removed.Count == 0 ? "nothing removed" : string.Join(", ", removed) + " removed") + (kept == 0 ? "" : $", {kept} kept (see why)");
    }

    /// <summary>Failed and cancelled tickets' worktrees past the age (snapshot first; the branch stays), and done ones whose clean-up did not happen.</summary>
    private void Worktrees(List<Ticket> tickets, HashSet<long> liveTickets, DateTimeOffset cutoff, bool dryRun, List<CleanupItem> items)
    {
        foreach (var listed in tickets.Where(t => t.Worktree is not null && t.Status is TicketStatus.Failed or TicketStatus.Cancelled or TicketStatus.Done))
        {
            var ticket = _tickets.GetTicket(listed.Number) ?? listed; // as it is now: the loop may have moved it
            if (ticket.Worktree is null || !_files.DirectoryExists(ticket.Worktree) || liveTickets.Contains(ticket.Number)
                || ticket.Status is not (TicketStatus.Failed or TicketStatus.Cancelled or TicketStatus.Done))
            {
                continue;
            }

            if (ticket.Status == TicketStatus.Done)
            {
                // Done: removed at once when merged (as the loop does); a done ticket not in its target keeps its work.
                items.Add(new CleanupItem("worktree", ticket.Worktree, $"{ticket.Id} is done and merged", !dryRun, ticket.Id));
                if (!dryRun)
                {
                    _ticketWorktrees.RemoveIfFinished(ticket);
                    if (_files.DirectoryExists(ticket.Worktree))
                    {
                        items[^1] = items[^1] with { Removed = false, Kept = "done but its branch is not in its target: the work stays where it is" };
                    }
                }
                else if (ticket.Branch is null || ticket.Target is null)
                {
                    items[^1] = items[^1] with { Removed = false, Kept = "done without a branch in its target" };
                }

                continue;
            }

            if ((ticket.FinishedAt ?? ticket.UpdatedAt) > cutoff)
            {
                continue;
            }

            var why = $"{ticket.Id} {ticket.Status.ToText()} {Age(ticket.FinishedAt ?? ticket.UpdatedAt)} ago";
            if (dryRun)
            {
                items.Add(new CleanupItem("worktree", ticket.Worktree, why + (_changes.IsDirty(ticket.Worktree) ? "; its uncommitted changes would be saved first" : ""), false, ticket.Id, Kept: "dry run"));
                continue;
            }

            var dirty = _changes.IsDirty(ticket.Worktree);
            var snapshot = dirty ? _ticketWorktrees.Snapshot(ticket, "gc") : null;
            if (dirty && snapshot is null)
            {
                items.Add(new CleanupItem("worktree", ticket.Worktree, why, false, ticket.Id, Kept: "its uncommitted changes could not be saved: left in place"));
                continue;
            }

            _worktrees.RemoveWorktree(_paths.Root, ticket.Worktree, force: snapshot is not null);
            _store.AppendEvent(Dispatcher.Event(ticket, EventTypes.WorktreeRemoved,
                $"{ticket.Id}: worktree {ticket.Worktree} removed by the workspace clean-up ({why}; branch {ticket.Branch} kept{(snapshot is null ? "" : $"; uncommitted work in {snapshot}")})", _time.GetUtcNow()));
            items.Add(new CleanupItem("worktree", ticket.Worktree, why, true, ticket.Id, snapshot));
        }
    }

    /// <summary>Branches of finished tickets: merged into their target, or whose pull request was merged or closed, past the age.</summary>
    private void Branches(List<Ticket> tickets, HashSet<long> liveTickets, DateTimeOffset cutoff, bool dryRun, List<CleanupItem> items)
    {
        var heads = _branches.BranchHeads(_paths.Root);
        var pullRequests = _merges.MergeRequests(openOnly: false)
            .Where(m => m.Kind == MergeRequestKind.GitHub && m.Status is MergeRequestStatus.Merged or MergeRequestStatus.Closed && m.Ticket is not null)
            .GroupBy(m => m.Ticket!.Value).ToDictionary(g => g.Key, g => g.OrderBy(m => m.Id).Last());
        // A feature's implementor branch outlives its tickets: the next one works on it.
        foreach (var ticket in tickets.Where(t => t.Branch is not null && t.Status.IsFinished() && heads.ContainsKey(t.Branch) && !liveTickets.Contains(t.Number) && !FeatureBranches.IsLongLived(t.Branch)))
        {
            if (ticket.Worktree is not null && _files.DirectoryExists(ticket.Worktree))
            {
                continue; // its worktree stays (above), so does its branch
            }

            string why;
            if (pullRequests.TryGetValue(ticket.Number, out var pr))
            {
                if (pr.UpdatedAt > cutoff)
                {
                    continue;
                }

                why = $"{ticket.Id}'s pull request{(pr.Number is { } n ? $" #{n}" : "")} was {(pr.Status == MergeRequestStatus.Merged ? "merged" : "closed")} {Age(pr.UpdatedAt)} ago";
            }
            else if (ticket.Status == TicketStatus.Done && ticket.Target is not null && heads.ContainsKey(ticket.Target)
                && _history.MergeState(_paths.Root, ticket.Branch!, ticket.Target) != MergeState.NotMerged)
            {
                why = $"{ticket.Id} is done and {ticket.Branch} is in {ticket.Target}";
            }
            else
            {
                continue;
            }

            var removed = !dryRun && _worktrees.DeleteBranch(_paths.Root, ticket.Branch!);
            items.Add(new CleanupItem("branch", ticket.Branch!, why, removed, ticket.Id, Kept: dryRun ? "dry run" : removed ? null : "git did not delete it"));
        }
    }

    /// <summary>Folders in the worktrees folder that no ticket owns: a clean registered worktree goes, anything else is reported.</summary>
    private void Orphans(List<Ticket> tickets, DateTimeOffset cutoff, bool dryRun, List<CleanupItem> items)
    {
        if (!_files.DirectoryExists(WorktreesDir))
        {
            return;
        }

        var owned = tickets.Select(t => t.Worktree).OfType<string>().Select(Path.GetFullPath).ToHashSet(StringComparer.Ordinal);
        // Scratch folders of a merge or gate still under way (a loop or `baton gate` beside this), by their row's id.
        var busy = _merges.MergeRequests(openOnly: true).Where(m => m.Status == MergeRequestStatus.Merging).Select(m => "_merge-" + m.Id.ToString(CultureInfo.InvariantCulture))
            .Concat(_merges.GateRuns(null, 1000).Where(g => g.Status == "running").Select(g => OnDemandGate.ScratchName(g.Id)))
            .ToHashSet(StringComparer.Ordinal);
        var registered = _worktrees.Worktrees(_paths.Root).Select(w => Path.GetFullPath(w.Path)).ToHashSet(StringComparer.Ordinal);
        foreach (var dir in _files.ListDirectories(WorktreesDir, "*").Select(Path.GetFullPath))
        {
            var name = Path.GetFileName(dir);
            if (owned.Contains(dir) || busy.Contains(name) || _files.ListFiles(dir, "*").Any(f => f.LastWriteUtc > cutoff))
            {
                continue; // a ticket's, or touched recently (a scratch merge or gate in progress)
            }

            var why = name.StartsWith("_merge-", StringComparison.Ordinal) || name.StartsWith("_gate-", StringComparison.Ordinal)
                ? "a scratch merge or gate folder left by a run that stopped"
                : "no ticket's worktree";
            if (!registered.Contains(dir))
            {
                items.Add(new CleanupItem("folder", dir, why + " and not a git worktree", false, Kept: "not a git worktree, so its files cannot be saved: look at it and remove it by hand"));
                continue;
            }

            if (_changes.IsDirty(dir))
            {
                items.Add(new CleanupItem("folder", dir, why, false, Kept: "it has uncommitted changes: look at it, then `git worktree remove --force` it"));
                continue;
            }

            if (!dryRun)
            {
                _worktrees.RemoveWorktree(_paths.Root, dir);
            }

            items.Add(new CleanupItem("folder", dir, why, !dryRun, Kept: dryRun ? "dry run" : null));
        }

        if (!dryRun)
        {
            _worktrees.Prune(_paths.Root);
        }
    }

    /// <summary>tmux sessions of agents that ended (kept so `capture` shows their last screen), past the age.</summary>
    private void Sessions(Dictionary<string, Worker> workers, DateTimeOffset cutoff, bool dryRun, List<CleanupItem> items)
    {
        foreach (var session in _tmux.ListSessions().Where(s => s.Name.StartsWith(_sessionPrefix, StringComparison.Ordinal)))
        {
            var name = session.BatonWorker ?? session.Name[_sessionPrefix.Length..];
            workers.TryGetValue(name, out var worker);
            if (worker is { } w && w.State.IsLive())
            {
                continue;
            }

            var ended = worker?.EndedAt ?? session.PaneDeadSince ?? (session.PaneDead ? session.LastActivity : (DateTimeOffset?)null);
            if (ended is null || ended > cutoff)
            {
                continue; // a session of no worker whose agent still runs is not Baton's to end; a recent one may still be looked at
            }

            if (!dryRun)
            {
                _tmux.KillSession(session.Name);
            }

            items.Add(new CleanupItem("session", session.Name, worker is null ? $"no worker of that name; its pane ended {Age(ended.Value)} ago" : $"{name} {worker.State.ToText()} {Age(ended.Value)} ago", !dryRun, Kept: dryRun ? "dry run" : null));
        }
    }

    /// <summary>Headless logs and hook spools of workers that ended, past the age.</summary>
    private void Logs(Dictionary<string, Worker> workers, DateTimeOffset cutoff, bool dryRun, List<CleanupItem> items)
    {
        foreach (var (dir, pattern, suffix) in new[] { (_paths.LogsDir, "*.log", ".log"), (Path.Combine(_paths.BatonDir, "spool"), "*.jsonl", ".jsonl") })
        {
            if (!_files.DirectoryExists(dir))
            {
                continue;
            }

            foreach (var file in _files.ListFiles(dir, pattern))
            {
                var name = file.Name[..^suffix.Length];
                if ((workers.TryGetValue(name, out var w) && w.State.IsLive()) || file.LastWriteUtc > cutoff)
                {
                    continue;
                }

                if (!dryRun)
                {
                    _files.DeleteFile(file.Path);
                }

                items.Add(new CleanupItem("log", file.Path, $"{name} ended; last written {Age(file.LastWriteUtc)} ago", !dryRun, Kept: dryRun ? "dry run" : null));
            }
        }
    }

    private string Age(DateTimeOffset since)
    {
        var d = _time.GetUtcNow() - since;
        return d.TotalDays >= 1 ? $"{(int)d.TotalDays}d" : d.TotalHours >= 1 ? $"{(int)d.TotalHours}h" : $"{Math.Max(0, (int)d.TotalMinutes)}m";
    }
}
