using Baton.Core.Config;
using Baton.Core.Events;
using Baton.Core.Files;
using Baton.Core.Git;
using Baton.Core.Security;
using Baton.Core.Storage;
using Baton.Core.Tickets;
using Baton.Core.Workers;

namespace Baton.Core.Dispatch;

/// <summary>
/// Clean-ups of done tickets that did not end: a loop killed between removing the worktree,
/// deleting the branch and recording it left one or both behind, and nothing else ever looks at a
/// done ticket again. At start every done ticket whose worktree or merged branch is still there is
/// finished; a clean-up that failed during the run is tried again on later ticks, a bounded number
/// of times, each failure an event.
/// </summary>
public sealed class UnfinishedCleanUps
{
    /// <summary>Tries of one failed clean-up in one run (the next run tries again).</summary>
    public const int MaxTries = 3;

    private readonly AutopilotConfig _config;
    private readonly ITicketStore _tickets;
    private readonly IStore _store;
    private readonly IGitBranches _branches;
    private readonly IFiles _files;
    private readonly string _root;
    private readonly TicketWorktrees _worktrees;
    private readonly Redactor _redactor;
    private readonly TimeProvider _time;
    private readonly Dictionary<long, int> _failures = [];

    public UnfinishedCleanUps(AutopilotConfig config, ITicketStore tickets, IStore store, IGitBranches branches, IFiles files, string root, TicketWorktrees worktrees, Redactor redactor, TimeProvider time)
    {
        _config = config;
        _tickets = tickets;
        _store = store;
        _branches = branches;
        _files = files;
        _root = root;
        _worktrees = worktrees;
        _redactor = redactor;
        _time = time;
    }

    /// <summary>At start: finishes every half-done clean-up; one that fails is reported and does not stop the others.</summary>
    public void FinishAll(TickReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var heads = _branches.BranchHeads(_root);
        var live = LiveTickets();
        foreach (var ticket in _tickets.ListTickets(new TicketQuery(TicketStatus.Done)))
        {
            var branchExists = ticket.Branch is not null && heads.ContainsKey(ticket.Branch);
            var dirExists = ticket.Worktree is not null && _files.DirectoryExists(ticket.Worktree);

            // A pull request keeps its branch on purpose; only a worktree left there is finished.
            if (live.Contains(ticket.Number) || !(dirExists || (branchExists && !_config.PullRequests)))
            {
                continue;
            }

            Finish(ticket, branchExists, report);
        }
    }

    /// <summary>A clean-up of the run failed: recorded, and tried again by <see cref="Retry"/>.</summary>
    public void Failed(long number, string why, TickReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var tries = _failures[number] = _failures.GetValueOrDefault(number) + 1;
        var id = TicketId.Format(number);
        var again = tries < MaxTries ? "it is tried again next tick" : "the next `baton up` tries again";
        report.Add($"{id}: clean-up failed: {why}; {again}");
        _store.AppendEvent(new EventRecord
        {
            Time = _time.GetUtcNow(),
            Type = EventTypes.AutopilotError,
            Ticket = id,
            Message = $"{id}: clean-up of its worktree and branch failed ({tries} of {MaxTries} tries in this run): {_redactor.Redact(why)}; {again}",
        });
    }

    /// <summary>Each tick: failed clean-ups with tries left, whose agent is gone, are tried again.</summary>
    public void Retry(TickReport report, Func<long, bool> busy)
    {
        ArgumentNullException.ThrowIfNull(busy);
        var pending = _failures.Where(f => f.Value < MaxTries && !busy(f.Key)).Select(f => f.Key).ToList();
        if (pending.Count == 0)
        {
            return;
        }

        var heads = _branches.BranchHeads(_root);
        var live = LiveTickets();
        foreach (var number in pending)
        {
            if (_tickets.GetTicket(number) is not { Status: TicketStatus.Done or TicketStatus.Cancelled } ticket || live.Contains(number))
            {
                _failures.Remove(number);
                continue;
            }

            if (Finish(ticket, ticket.Branch is not null && heads.ContainsKey(ticket.Branch), report))
            {
                _failures.Remove(number);
            }
        }
    }

    private bool Finish(Ticket ticket, bool branchExists, TickReport report)
    {
        try
        {
            if (_worktrees.FinishCleanUp(ticket, branchExists) is { } done)
            {
                report.Add(done);
            }

            return true;
        }
        catch (BatonException e)
        {
            Failed(ticket.Number, e.Message, report);
            return false;
        }
    }

    private HashSet<long> LiveTickets() =>
        _store.ListWorkers(includeKilled: false).Where(w => w.State.IsLive()).Select(w => w.Ticket).OfType<long>().ToHashSet();
}
