using Baton.Core.Events;
using Baton.Core.Files;
using Baton.Core.Git;
using Baton.Core.Storage;
using Baton.Core.Tickets;
using Baton.Core.Workers;

namespace Baton.Core.Handoff;

/// <summary>
/// Builds the part of a packet that needs nothing from the agent, from git, the store and the
/// agent's transcript: so a handoff works whether or not the leaving context cooperates.
/// </summary>
public sealed class HandoffRecordBuilder
{
    public const int MaxCommits = 50;
    public const int LastMessageCount = 3;
    private const long TranscriptTail = 256 * 1024;
    private const int GateOutput = 1500;

    private readonly IGitHistory _history;
    private readonly IGitDiffs _diffs;
    private readonly IMergeStore _merges;
    private readonly IStore _store;
    private readonly IFiles _files;

    public HandoffRecordBuilder(IGitHistory history, IGitDiffs diffs, IMergeStore merges, IStore store, IFiles files)
    {
        _history = history;
        _diffs = diffs;
        _merges = merges;
        _store = store;
        _files = files;
    }

    public HandoffRecord Build(Ticket ticket, Worker worker)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(worker);
        var dir = ticket.Worktree ?? worker.Directory;
        var present = _files.DirectoryExists(dir);
        var commits = new List<HandoffCommit>();
        var stat = new List<DiffStatLine>();
        var uncommitted = new List<string>();
        if (present && ticket.Target is { } target)
        {
            var walk = _history.History(dir, ["HEAD"], target);
            var subjects = walk.Count == 0 ? [] : _history.CommitMessages(dir, walk.Take(MaxCommits).Select(c => c.Sha).ToList(), 0)
                .ToDictionary(m => m.Sha, m => m.Message.Split('\n')[0].Trim(), StringComparer.Ordinal);
            commits.AddRange(walk.Take(MaxCommits).Select(c => new HandoffCommit(c.Sha, subjects.GetValueOrDefault(c.Sha, ""), c.Files)));
            var start = _history.CommonAncestor(dir, [target, "HEAD"]) ?? target;
            stat.AddRange(_diffs.DiffStat(dir, start));
        }

        if (present)
        {
            uncommitted.AddRange(_diffs.Uncommitted(dir));
        }

        var touched = commits.SelectMany(c => c.Files).Concat(stat.Select(s => s.Path)).Concat(uncommitted)
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var gates = _merges.GateRuns(ticket.Number, 3)
            .Select(g => new HandoffGate(g.Status, g.Passed, g.Failed, g.StartedAt, g.Output.Length > GateOutput ? "…" + g.Output[^GateOutput..] : g.Output))
            .ToList();
        return new HandoffRecord
        {
            Branch = ticket.Branch,
            Target = ticket.Target,
            Commits = commits,
            DiffStat = stat,
            FilesTouched = touched,
            Uncommitted = uncommitted,
            Gates = gates,
            LastMessages = LastMessages(worker),
            OpenQuestions = OpenQuestions(ticket, worker),
        };
    }

    /// <summary>The agent's last messages, from its transcript, rollout or headless log (also for the prophet's own packet).</summary>
    public IReadOnlyList<string> LastMessages(Worker worker)
    {
        // A TUI worker's transcript (Claude Code) or rollout (Codex), else a headless worker's log.
        var path = worker.Transcript ?? worker.LogPath;
        return path is not null && _files.FileExists(path) ? TranscriptMessages.Last(_files.ReadTail(path, TranscriptTail), LastMessageCount) : [];
    }

    private IReadOnlyList<string> OpenQuestions(Ticket ticket, Worker worker)
    {
        var questions = _store.RecentEvents(new EventQuery(20, Type: EventTypes.Notification, Ticket: ticket.Id, Since: ticket.StartedAt))
            .OrderBy(e => e.Time).Select(e => e.Message).ToList();
        if (worker.State == WorkerState.Waiting && worker.Evidence is { } evidence)
        {
            questions.Add($"the agent was waiting for an answer: {evidence}");
        }

        return questions;
    }
}
