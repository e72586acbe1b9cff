using Baton.Core.Config;
using Baton.Core.Events;
using Baton.Core.Git;
using Baton.Core.Merge;
using Baton.Core.Storage;
using Baton.Core.Tickets;

namespace Baton.Core.Dispatch;

/// <summary>
/// The autopilot's completion stage: tickets in <c>testing</c> get a gate run in a background task,
/// passed ones join the merge queue, and the queue lands one branch at a time (also in the
/// background). Background tasks touch no store; the tick applies their outcomes here. They run
/// under the autopilot's stopping token: a stop kills a gate's commands, and a gate stopped so has
/// no outcome (its ticket stays in testing, no attempt counted; the next start runs it again).
/// </summary>
public sealed class GatesAndMerges
{
    private readonly AutopilotConfig _config;
    private readonly TimeProvider _time;
    private readonly ITicketStore _tickets;
    private readonly IMergeStore _merges;
    private readonly IStore _store;
    private readonly ITicketResults _results;
    private readonly IGitBranches _branches;
    private readonly IGitHistory _history;
    private readonly IGitChanges _changes;
    private readonly BatonPaths _paths;
    private readonly TicketLifecycle _life;
    private readonly GateRunner _gateRunner;
    private readonly MergeJob _mergeJob;
    private readonly Action<Ticket> _cleanUp;
    private readonly Stacks _stacks;
    private readonly FeatureMerges _features;
    private readonly Dictionary<long, (GateRun Run, string Commit, Task<GateOutcome> Task)> _gates = [];

    // Merge requests that could not land yet (the target moved, its checkout is in the way):
    // how often, and not again before when. Owned by the loop thread.
    private readonly Dictionary<long, (int Tries, DateTimeOffset NotBefore)> _mergeWaits = [];
    private const int MaxMergeTries = 10;
    private (MergeRequest Request, Ticket Ticket, Task<MergeOutcome> Task)? _merge;
    private readonly CancellationToken _stopping;
    private readonly MergePipeline _pipeline;

    /// <param name="cleanUp">Ends a ticket's agent and removes what it leaves, in the background (the autopilot's).</param>
    public GatesAndMerges(
        AutopilotConfig config,
        TimeProvider time,
        ITicketStore tickets,
        IMergeStore merges,
        IStore store,
        ITicketResults results,
        IGitBranches branches,
        IGitHistory history,
        IGitChanges changes,
        GateRunner gateRunner,
        MergeJob mergeJob,
        Stacks stacks,
        TicketLifecycle life,
        BatonPaths paths,
        Action<Ticket> cleanUp,
        CancellationToken stopping = default)
    {
        _config = config;
        _time = time;
        _tickets = tickets;
        _merges = merges;
        _store = store;
        _results = results;
        _branches = branches;
        _history = history;
        _changes = changes;
        _paths = paths;
        _life = life;
        _cleanUp = cleanUp;
        _stacks = stacks;
        _gateRunner = gateRunner;
        _mergeJob = mergeJob;
        _features = new FeatureMerges(config, time, tickets, merges, mergeJob, paths, stopping);
        _stopping = stopping;
        _pipeline = new MergePipeline(mergeJob, branches, paths.Root, config.MergePrepareAhead, stopping);
    }

    /// <summary>Called after a gate pass and a merge were recorded (crash tests kill the loop there); null: nothing.</summary>
    public Action<string>? FaultPoint { get; init; }

    /// <summary>
    /// Where a queued branch is now, for the check that it did not move after its gate: a node's
    /// clone asks the shared remote (fetching it, which also brings the tested commit here);
    /// null: this repository's branch.
    /// </summary>
    public Func<string, string?>? BranchHead { get; init; }

    /// <summary>Why a ticket's gate must wait for its commit (not on the shared remote yet); null, or a null answer: it need not.</summary>
    public Func<Ticket, string, string?>? Unpushed { get; init; }

    /// <summary>Gate runs and the merge still going.</summary>
    public IEnumerable<Task> Running => _gates.Values.Select(g => (Task)g.Task).Concat(_merge is { } m ? [m.Task] : []).Concat(_features.Running is { } f ? [f] : []).Concat(_pipeline.Running);

    public MergeJob MergeJob => _mergeJob;

    /// <summary>
    /// After a stop: the gate runs that were stopped are recorded as abandoned (not failed), so
    /// the ticket keeps its attempts and the next start gives it a fresh run.
    /// </summary>
    public void RecordStopped()
    {
        var now = _time.GetUtcNow();
        foreach (var (number, (run, _, task)) in _gates.Where(g => g.Value.Task.IsCanceled).ToList())
        {
            _gates.Remove(number);
            _merges.FinishGateRun(run with { Status = "abandoned", Output = "stopped with the autopilot", FinishedAt = now });
        }
    }

    public async Task StepAsync(TickReport report, CancellationToken ct)
    {
        await GatesAsync(report, ct).ConfigureAwait(false);
        await MergesAsync(report, ct).ConfigureAwait(false);
        _features.Step(report);
    }

    private async Task GatesAsync(TickReport report, CancellationToken ct)
    {
        RecordStopped();
        foreach (var (number, (run, commit, task)) in _gates.Where(g => g.Value.Task.IsCompleted).ToList())
        {
            _gates.Remove(number);
            var now = _time.GetUtcNow();
            var outcome = task.IsCompletedSuccessfully ? task.Result : new GateOutcome(false, null, null, null, task.Exception?.GetBaseException().Message ?? "", "the gate could not run: " + task.Exception?.GetBaseException().Message);
            _merges.FinishGateRun(run with
            {
                Status = outcome.Passed ? "passed" : "failed",
                Passed = outcome.TestsPassed,
                Failed = outcome.TestsFailed,
                Skipped = outcome.TestsSkipped,
                Output = outcome.Output,
                FinishedAt = now,
            });
            var ticket = _tickets.GetTicket(number);
            if (ticket is not { Status: TicketStatus.Testing })
            {
                continue; // moved on meanwhile (cancelled by hand): the run stays recorded, nothing else
            }

            if (outcome.Passed)
            {
                Passed(ticket, outcome, commit, now);
                report.Add("gate_passed", ticket.Id, ticket.Assignee, $"{ticket.Id}: gate passed: {outcome.Summary}", new Dictionary<string, string> { ["summary"] = outcome.Summary });
            }
            else
            {
                _store.AppendEvent(Dispatcher.Event(ticket, EventTypes.GateFailed, $"{ticket.Id}: gate failed: {outcome.Summary}", now));
                await _life.SendBackAsync(ticket, $"The gate failed on {ticket.Id}: {outcome.Summary}", Tail(outcome.Output), ct).ConfigureAwait(false);
                report.Add("gate_failed", ticket.Id, ticket.Assignee, $"{ticket.Id}: gate failed: {outcome.Summary}", new Dictionary<string, string> { ["summary"] = outcome.Summary });
            }
        }

        await StartGatesAsync(report, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts the gate of every ticket in testing that has none running. The loop calls it first in
    /// a tick as well (before the monitor and the supervisor look at every worker), so an agent's
    /// report starts its gate within a query and the gate's own git checks, not a tick's work.
    /// </summary>
    public async Task StartGatesAsync(TickReport report, CancellationToken ct)
    {
        foreach (var ticket in _tickets.ListTickets(new TicketQuery(TicketStatus.Testing)))
        {
            if (_stopping.IsCancellationRequested)
            {
                return; // stopping: a new gate would be killed at once
            }

            if (_gates.ContainsKey(ticket.Number) || ticket.Worktree is null)
            {
                continue;
            }

            // The gate tests what will be merged: the committed branch (plus ignored build state
            // such as node_modules). Uncommitted or untracked work, or no commits at all, go
            // back to the agent first.
            if (_changes.IsDirty(ticket.Worktree))
            {
                await _life.SendBackAsync(ticket, $"{ticket.Id} was reported done with uncommitted changes in {ticket.Worktree}",
                    "Commit everything that belongs to the ticket (`git status` shows what is left; remove or ignore the rest).", ct).ConfigureAwait(false);
                report.Add("sent_back", ticket.Id, ticket.Assignee, $"{ticket.Id}: reported done with uncommitted changes: back to its agent");
                continue;
            }

            // A stacked ticket whose parent landed is rebased onto the target before its gate.
            if (await _stacks.RestackAsync(ticket, report, ct).ConfigureAwait(false) == Stacks.Step.SentBack)
            {
                continue;
            }

            var commit = _branches.Resolve(ticket.Worktree, "HEAD") ?? throw new BatonException($"{ticket.Worktree} has no HEAD commit");
            if (Unpushed?.Invoke(ticket, commit) is not null)
            {
                continue; // its push runs in the background; the gate starts once the remote has the commit
            }

            var start = ticket.Target is null ? null : Dispatcher.StartPoint(_tickets, _branches, _paths.Root, _tickets.GetTicket(ticket.Number) ?? ticket);
            if (start is not null && _history.CommitsAhead(ticket.Worktree, start, commit) == 0)
            {
                await _life.SendBackAsync(ticket, $"{ticket.Id} was reported done but its branch {ticket.Branch} has no commits beyond {start}",
                    "Commit the work on your branch, then report done again.", ct).ConfigureAwait(false);
                report.Add("sent_back", ticket.Id, ticket.Assignee, $"{ticket.Id}: reported done without commits: back to its agent");
                continue;
            }

            var now = _time.GetUtcNow();
            var run = _merges.AddGateRun(new GateRun { Ticket = ticket.Number, Worker = ticket.Assignee, Branch = ticket.Branch, Kind = "worktree", Status = "running", StartedAt = now });
            var gate = _config.GateCommandsFor(RoleOf(ticket));
            _store.AppendEvent(Dispatcher.Event(ticket, EventTypes.GateStarted, $"{ticket.Id}: gate started in {ticket.Worktree}: {string.Join(" && ", gate)}", now));
            var dir = ticket.Worktree;
            var (commands, timeout, stopping) = (gate, _config.GateTimeout, _stopping);
            _gates[ticket.Number] = (run, commit, Task.Run(() => _gateRunner.RunAsync(dir, commands, timeout, stopping), CancellationToken.None));
            report.Add("gate_started", ticket.Id, ticket.Assignee, $"{ticket.Id}: gate started");
        }
    }

    private void Passed(Ticket ticket, GateOutcome outcome, string commit, DateTimeOffset now)
    {
        var review = _tickets.Mutate(ticket.Number, t =>
        {
            var next = t with { Status = TicketStatus.Review, UpdatedAt = now };
            var events = new List<EventRecord> { Dispatcher.Event(t, EventTypes.GatePassed, $"{t.Id}: gate passed: {outcome.Summary}; status review", now) };
            if (!_config.AutoMerge || _config.PullRequests)
            {
                return new TicketMutation(next, events); // pull_request mode: the GitHub step opens its pull request
            }

            events.Add(Dispatcher.Event(t, EventTypes.MergeQueued, $"{t.Id}: {t.Branch} queued to merge into {t.Target}", now));
            return new TicketMutation(next, events)
            {
                MergeRequest = new MergeRequest { Ticket = t.Number, Branch = t.Branch!, Target = t.Target!, Status = MergeRequestStatus.Queued, Detail = TestedPrefix + commit, CreatedAt = now, UpdatedAt = now },
            };
        });

        // Its agent is done: it leaves, freeing its slot. A merge conflict later goes to a fresh one.
        _cleanUp(review);
        FaultPoint?.Invoke("after_gate_pass");
    }

    /// <summary>A queued merge request's detail names the commit its gate passed on: exactly that commit is merged.</summary>
    private const string TestedPrefix = "tested ";

    private async Task MergesAsync(TickReport report, CancellationToken ct)
    {
        // A prepared merge that was ready lands at once (one fast-forward), so several can land in one step.
        while (true)
        {
            if (_merge is { } running)
            {
                if (!running.Task.IsCompleted)
                {
                    PrepareAhead(running.Request);
                    return;
                }

                _merge = null;
                if (running.Task.IsCanceled)
                {
                    _pipeline.DiscardAll();
                    return; // stopped with the autopilot: the request stays queued, no try counted
                }

                await LandedAsync(running.Request, running.Ticket, running.Task, report, ct).ConfigureAwait(false);
            }

            if (!await StartNextAsync(report, ct).ConfigureAwait(false))
            {
                _pipeline.DiscardAll();
                return;
            }
        }
    }

    /// <summary>
    /// merge.prepare_ahead: the requests that will land after <paramref name="current"/> (in queue
    /// order, same target, in review, not waiting out a retry or for a stack parent) are prepared
    /// while it lands. Only a guess of the order: <see cref="MergePipeline"/> uses a prepared result
    /// only if its turn comes as guessed, on the target it was made on.
    /// </summary>
    private void PrepareAhead(MergeRequest current)
    {
        if (_config.MergePrepareAhead == 0 || _stopping.IsCancellationRequested)
        {
            return;
        }

        var now = _time.GetUtcNow();
        var next = new List<MergeCandidate>();
        foreach (var mr in _merges.MergeRequests(openOnly: true))
        {
            if (next.Count == _config.MergePrepareAhead)
            {
                break;
            }

            if (mr.Id == current.Id || mr.Ticket is not { } number || _tickets.GetTicket(number) is not { Status: TicketStatus.Review, StackedOn: null } ticket
                || (_mergeWaits.TryGetValue(mr.Id, out var wait) && wait.NotBefore > now) || Tested(mr) is not { } tested)
            {
                continue; // the queue skips it too, for now
            }

            if (mr.Target != current.Target)
            {
                break; // it lands next, and moves another branch: the order after it is not known
            }

            next.Add(Candidate(mr, ticket, tested));
        }

        _pipeline.PrepareAhead(next);
    }

    private static string? Tested(MergeRequest mr) => mr.Detail is { } d && d.StartsWith(TestedPrefix, StringComparison.Ordinal) ? d[TestedPrefix.Length..] : null;

    private MergeCandidate Candidate(MergeRequest mr, Ticket ticket, string? tested) =>
        new(mr, tested, Path.Combine(_paths.WorktreesDir, $"_merge-{mr.Id}"),
            $"Merge {ticket.Id}: {ticket.Title}\n\nBranch {mr.Branch} merged by Baton after its gate passed.\nBaton-Ticket: {ticket.Id}",
            _config.GateCommandsFor(RoleOf(ticket)), _config.GateTimeout);

    /// <summary>Starts landing the first request in the queue that can land now; false when none can.</summary>
    private async Task<bool> StartNextAsync(TickReport report, CancellationToken ct)
    {
        // Without merge.auto the queue holds only what people asked for with `baton merge`.
        foreach (var mr in _merges.MergeRequests(openOnly: true))
        {
            var ticket = mr.Ticket is { } n ? _tickets.GetTicket(n) : null;
            if (ticket is { } gone && gone.Status.IsFinished())
            {
                // Cancelled or failed by hand while it waited: it leaves the queue.
                var at = _time.GetUtcNow();
                _tickets.Mutate(gone.Number, t => new TicketMutation(t, [Dispatcher.Event(t, EventTypes.MergeFailed, $"{t.Id}: {mr.Branch} leaves the merge queue: the ticket is {t.Status.ToText()}", at)])
                {
                    MergeRequest = mr with { Status = MergeRequestStatus.Cancelled, Detail = $"ticket {gone.Status.ToText()}", UpdatedAt = at },
                });
                continue;
            }

            if (ticket is not { Status: TicketStatus.Review } || _stopping.IsCancellationRequested)
            {
                continue;
            }

            var now = _time.GetUtcNow();
            if (_mergeWaits.TryGetValue(mr.Id, out var wait) && wait.NotBefore > now)
            {
                continue;
            }

            // A stacked branch lands after its parent, rebased onto the target (which moves the
            // branch: the check below sends it through its gate again).
            if (await _stacks.RestackAsync(ticket, report, ct).ConfigureAwait(false) is Stacks.Step.Waiting or Stacks.Step.SentBack)
            {
                continue;
            }

            var tested = Tested(mr);
            if (tested is not null && (BranchHead is { } remoteHead ? remoteHead(mr.Branch) : _branches.Resolve(_paths.Root, "refs/heads/" + mr.Branch)) is { } head && head != tested)
            {
                // Commits arrived after the gate passed: they are tested before anything lands.
                _tickets.Mutate(ticket.Number, t => new TicketMutation(t with { Status = TicketStatus.Testing, UpdatedAt = now },
                    [Dispatcher.Event(t, EventTypes.TicketUpdated, $"{t.Id}: {mr.Branch} moved after its gate passed ({tested[..12]} -> {head[..12]}): the gate runs again", now)])
                {
                    MergeRequest = mr with { Status = MergeRequestStatus.Superseded, Detail = $"branch moved to {head}", UpdatedAt = now },
                });
                report.Add("testing_again", ticket.Id, ticket.Assignee, $"{ticket.Id}: new commits after the gate: testing again");
                continue;
            }

            _merge = (mr, ticket, _pipeline.Land(Candidate(mr, ticket, tested)));
            report.Add("merging", ticket.Id, ticket.Assignee, $"{ticket.Id}: merging {mr.Branch} into {mr.Target}", new Dictionary<string, string> { ["branch"] = mr.Branch, ["target"] = mr.Target });
            return true; // one at a time, in order
        }

        return false;
    }

    private async Task LandedAsync(MergeRequest mr, Ticket ticket, Task<MergeOutcome> task, TickReport report, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var outcome = task.IsCompletedSuccessfully ? task.Result : new MergeOutcome(MergeOutcome.Retry, "the merge could not run: " + task.Exception?.GetBaseException().Message);
        if (outcome.Result == MergeOutcome.Retry)
        {
            // Waits with backoff (2 s, 4 s ... 2 min); a human hears of it at the third try; after
            // the tenth it goes back to the agent like a failed merge, so the queue never spins.
            var tries = (_mergeWaits.TryGetValue(mr.Id, out var w) ? w.Tries : 0) + 1;
            _mergeWaits[mr.Id] = (tries, now + RetryPolicy.Delay(tries, TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(2)));
            if (tries == 3)
            {
                _store.AppendEvent(Dispatcher.Event(ticket, EventTypes.Notification, $"{ticket.Id} cannot be merged yet ({tries} tries): {outcome.Detail}", now,
                    metadata: new Dictionary<string, string> { ["kind"] = "merge_waiting" }));
            }

            if (tries >= MaxMergeTries)
            {
                outcome = outcome with { Result = "failed", Detail = $"{outcome.Detail} (gave up after {tries} tries)" };
            }
        }

        if (_tickets.GetTicket(ticket.Number) is not { Status: TicketStatus.Review } && outcome.Result != MergeOutcome.Merged)
        {
            return; // changed by hand meanwhile: nothing to send back
        }

        switch (outcome.Result)
        {
            case MergeOutcome.Merged:
                // Checked in the write's own transaction: a node that lost the merge queue mid-merge
                // (cut off after its landing moved the target, before it recorded it) and the node that
                // took the queue over and found the branch already in the target both come here.
                // The first to record it does; the other records nothing, so nothing completes or merges twice.
                var recorded = false;
                var done = _tickets.Mutate(ticket.Number, t =>
                {
                    recorded = t.Status != TicketStatus.Done;
                    return !recorded ? new TicketMutation(t, []) : new TicketMutation(
                        t with { Status = TicketStatus.Done, UpdatedAt = now, FinishedAt = now },
                        [
                            Dispatcher.Event(t, EventTypes.Merged, $"{t.Id}: {outcome.Detail}", now, metadata: MergedMetadata(outcome, mr)),
                            Dispatcher.Event(t, EventTypes.TaskCompleted, $"{t.Id} done", now),
                        ])
                    {
                        MergeRequest = mr with { Status = MergeRequestStatus.Merged, Detail = outcome.Commit, UpdatedAt = now },
                    };
                });
                if (!recorded)
                {
                    report.Add("merged_elsewhere", ticket.Id, ticket.Assignee, $"{ticket.Id}: already recorded as merged (by another node's merge queue)");
                    break;
                }

                _results.WriteResult(done);
                _cleanUp(done);
                FaultPoint?.Invoke("after_merge");
                report.Add("merged", ticket.Id, ticket.Assignee, $"{ticket.Id}: {outcome.Detail}", new Dictionary<string, string> { ["commit"] = outcome.Commit ?? "" });
                break;
            case MergeOutcome.Retry:
                report.Add("merge_retry", ticket.Id, ticket.Assignee, $"{ticket.Id}: {outcome.Detail}");
                break;
            default:
                var current = _tickets.Mutate(ticket.Number, t => new TicketMutation(t,
                    [Dispatcher.Event(t, EventTypes.MergeFailed, $"{t.Id}: {outcome.Detail}", now)])
                {
                    MergeRequest = mr with { Status = outcome.Result == MergeOutcome.Conflict ? MergeRequestStatus.Conflict : MergeRequestStatus.Failed, Detail = outcome.Detail, UpdatedAt = now },
                });
                var details = outcome.Files is { Count: > 0 } files
                    ? $"Conflicting files: {string.Join(", ", files)}. Merge {mr.Target} into your branch (git merge {mr.Target}), resolve, and commit."
                    : Tail(outcome.Gate?.Output ?? "");
                await _life.SendBackAsync(current, outcome.Detail, details, ct).ConfigureAwait(false);
                report.Add("merge_failed", ticket.Id, ticket.Assignee, $"{ticket.Id}: {outcome.Detail}");
                break;
        }
    }

    /// <summary>The merged event's values: the commit, the target, and how a merge prepared ahead went (merge.prepare_ahead).</summary>
    private static Dictionary<string, string> MergedMetadata(MergeOutcome outcome, MergeRequest mr)
    {
        var values = new Dictionary<string, string> { ["commit"] = outcome.Commit ?? "", ["target"] = mr.Target };
        if (outcome.Prepared is { } prepared)
        {
            values["prepared"] = prepared;
        }

        return values;
    }

    private static string Tail(string output)
    {
        var lines = output.TrimEnd().Split('\n');
        return string.Join('\n', lines.Skip(Math.Max(0, lines.Length - 30)));
    }

    /// <summary>The role a ticket's gate is chosen by (<c>gate.roles</c>): its agent's, else the one it asked for.</summary>
    private string? RoleOf(Ticket ticket) =>
        (ticket.Assignee is { } a ? _store.GetWorker(a)?.Role : null) ?? ticket.RoleWanted;
}
