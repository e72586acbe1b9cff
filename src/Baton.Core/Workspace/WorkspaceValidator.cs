using Baton.Core.Config;
using Baton.Core.Files;
using Baton.Core.Git;
using Baton.Core.Storage;
using Baton.Core.Tickets;
using Baton.Core.Tmux;
using Baton.Core.Workers;

namespace Baton.Core.Workspace;

/// <summary>One mismatch `baton validate` found: how bad, between what, and the command that fixes it.</summary>
public sealed record Finding(string Severity, string Kind, string Subject, string Detail, string Fix)
{
    public const string Error = "error";
    public const string Warning = "warning";
}

/// <summary>
/// The store, git and tmux held against each other (`baton validate`): tickets whose worktree or
/// branch is gone, worktrees and folders nobody owns, live workers without their session or
/// process, sessions without a worker, assignees that are not live. Reads only; each finding says
/// how to fix it. Errors are states the loop cannot mend by itself; warnings are leftovers.
/// </summary>
public sealed class WorkspaceValidator
{
    private readonly ITicketStore _tickets;
    private readonly IStore _store;
    private readonly IGitWorktrees _worktrees;
    private readonly IGitBranches _branches;
    private readonly ITmux _tmux;
    private readonly IFiles _files;
    private readonly BatonPaths _paths;
    private readonly string _sessionPrefix;
    private readonly Func<int, bool> _processAlive;
    private readonly string? _socket;

    /// <param name="socket">The tmux socket <paramref name="tmux"/> talks to: workers on another one are not checked against it.</param>
    public WorkspaceValidator(ITicketStore tickets, IStore store, IGitWorktrees worktrees, IGitBranches branches, ITmux tmux, string? socket, IFiles files, BatonPaths paths, string sessionPrefix, Func<int, bool> processAlive)
    {
        _socket = socket;
        _tickets = tickets;
        _store = store;
        _worktrees = worktrees;
        _branches = branches;
        _tmux = tmux;
        _files = files;
        _paths = paths;
        _sessionPrefix = sessionPrefix;
        _processAlive = processAlive;
    }

    public IReadOnlyList<Finding> Check()
    {
        var findings = new List<Finding>();
        var tickets = _tickets.ListTickets(new TicketQuery()).ToList();
        var workers = _store.ListWorkers(includeKilled: false).ToDictionary(w => w.Name, StringComparer.Ordinal);
        var heads = _branches.BranchHeads(_paths.Root);
        var registered = _worktrees.Worktrees(_paths.Root).Select(w => (Path: Path.GetFullPath(w.Path), w.Branch)).ToList();
        var sessions = _tmux.ListSessions().Where(s => s.Name.StartsWith(_sessionPrefix, StringComparison.Ordinal)).ToDictionary(s => s.Name, StringComparer.Ordinal);

        foreach (var t in tickets)
        {
            var active = t.Status is TicketStatus.InProgress or TicketStatus.Testing or TicketStatus.Review;
            if (active && t.Worktree is { } dir && !_files.DirectoryExists(dir))
            {
                findings.Add(new(Finding.Error, "ticket", t.Id, $"{t.Status.ToText()}, but its worktree {dir} is gone",
                    $"`baton ticket update {t.Id} --status open` starts it again from its branch{(t.Branch is null ? "" : $" {t.Branch}")}"));
            }

            if (!t.Status.IsFinished() && t.Branch is { } b && t.Worktree is not null && !heads.ContainsKey(b) && t.Status != TicketStatus.Open)
            {
                findings.Add(new(Finding.Error, "ticket", t.Id, $"{t.Status.ToText()}, but its branch {b} does not exist",
                    $"recreate it (`git branch {b} <commit>`, `baton wip list` has snapshots) or `baton ticket update {t.Id} --status open`"));
            }

            if (t.Status == TicketStatus.InProgress && t.Assignee is { } a && !workers.ContainsKey(a))
            {
                findings.Add(new(Finding.Error, "ticket", t.Id, $"in progress with {a}, which is not a live worker",
                    $"`baton up` takes it over (it retries the ticket), or `baton ticket update {t.Id} --status open`"));
            }

            if (t.Status is TicketStatus.Done or TicketStatus.Cancelled or TicketStatus.Failed && t.Worktree is { } old && _files.DirectoryExists(old))
            {
                findings.Add(new(Finding.Warning, "worktree", old, $"{t.Id} is {t.Status.ToText()} and its worktree is still there", "`baton gc` (its uncommitted work is saved first)"));
            }
        }

        var owned = tickets.Select(t => t.Worktree).OfType<string>().Select(Path.GetFullPath).ToHashSet(StringComparer.Ordinal);
        var worktreesDir = _paths.WorktreesDir;
        if (_files.DirectoryExists(worktreesDir))
        {
            var known = registered.Select(r => r.Path).ToHashSet(StringComparer.Ordinal);
            foreach (var dir in _files.ListDirectories(worktreesDir, "*").Select(Path.GetFullPath).Where(d => !owned.Contains(d)))
            {
                findings.Add(known.Contains(dir)
                    ? new(Finding.Warning, "worktree", dir, "a git worktree in the worktrees folder that is no ticket's", "`baton gc` removes it when it is clean and old; else look at it and `git worktree remove` it")
                    : new(Finding.Error, "folder", dir, "a folder in the worktrees folder that is not a git worktree", "look at it, then remove it by hand (`rm -r`)"));
            }
        }

        foreach (var (dir, reason) in _worktrees.PrunableWorktrees(_paths.Root))
        {
            findings.Add(new(Finding.Warning, "worktree", dir, $"git still lists this worktree, but it is prunable: {reason}", "`git worktree prune` forgets it (`baton gc` does too)"));
        }

        foreach (var w in workers.Values)
        {
            if (w.Mode == WorkerMode.Tmux && w.Session is { } s && w.Socket == _socket && !sessions.ContainsKey(s))
            {
                findings.Add(new(Finding.Error, "worker", w.Name, $"{w.State.ToText()} in the store, but its tmux session {s} is gone", $"`baton kill {w.Name}` records its end (`baton up` does it by itself)"));
            }

            if (w.Mode == WorkerMode.Headless && w.Pid is { } pid && !_processAlive(pid))
            {
                findings.Add(new(Finding.Error, "worker", w.Name, $"{w.State.ToText()} in the store, but its process {pid} is gone", $"`baton kill {w.Name}` records its end"));
            }

            if (w.Ticket is { } n && _tickets.GetTicket(n) is { } tk && tk.Assignee != w.Name && !tk.Status.IsFinished())
            {
                findings.Add(new(Finding.Warning, "worker", w.Name, $"works on {tk.Id}, which is assigned to {tk.Assignee ?? "nobody"}", $"`baton kill {w.Name}` if it is a leftover"));
            }
        }

        var liveSessions = workers.Values.Select(w => w.Session).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var s in sessions.Values.Where(s => !liveSessions.Contains(s.Name) && s.Name != _sessionPrefix + Dispatch.AutopilotControl.SessionName))
        {
            findings.Add(new(Finding.Warning, "session", s.Name, s.PaneDead ? "the session of an agent that ended" : "a session no live worker owns",
                s.PaneDead ? "`baton gc` removes it once it is old, `baton kill-all` now" : $"`tmux kill-session -t {s.Name}` if nothing in it is yours"));
        }

        return findings;
    }
}
