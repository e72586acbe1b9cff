using Baton.Core.Events;
using Baton.Core.Merge;
using Baton.Core.Storage;
using Baton.Core.Tickets;

namespace Baton.Core.Dispatch;

/// <summary>
/// The autopilot's completion stage: tickets in <c>testing</c> get a gate run in a background task,
/// passed ones join the merge queue, and the queue lands one branch at a time (also in the
/// background). Background tasks touch no store; the tick applies their outcomes here.
/// </summary>
public sealed class GatesAndMerges
{
    private readonly AutopilotContext _ctx;
    private readonly TicketLifecycle _life;
    private readonly GateRunner _gateRunner;
    private readonly MergeJob _mergeJob;
    private readonly Action<Ticket> _cleanUp;
    private readonly Dictionary<long, (GateRun Run, Task<GateOutcome> Task)> _gates = [];
    private (MergeRequest Request, Ticket Ticket, Task<MergeOutcome> Task)? _merge;

    public GatesAndMerges(AutopilotContext context, TicketLifecycle life, Action<Ticket> cleanUp)
    {
        _ctx = context;
        _life = life;
        _cleanUp = cleanUp;
        _gateRunner = new GateRunner(context.Runner, context.Workers.Redactor);
        _mergeJob = new MergeJob(context.Git, _gateRunner);
    }

    /// <summary>Gate runs and the merge still going.</summary>
    public IEnumerable<Task> Running => _gates.Values.Select(g => (Task)g.Task).Concat(_merge is { } m ? [m.Task] : []);

    public MergeJob MergeJob => _mergeJob;

    public async Task StepAsync(TickReport report, CancellationToken ct)
    {
        await GatesAsync(report, ct).ConfigureAwait(false);
        await MergesAsync(report, ct).ConfigureAwait(false);
    }

    private async Task GatesAsync(TickReport report, CancellationToken ct)
    {
        foreach (var (number, (run, task)) in _gates.Where(g => g.Value.Task.IsCompleted).ToList())
        {
            _gates.Remove(number);
            var now = _ctx.Time.GetUtcNow();
            var outcome = task.IsCompletedSuccessfully ? task.Result : new GateOutcome(false, null, null, null, task.Exception?.GetBaseException().Message ?? "", "the gate could not run: " + task.Exception?.GetBaseException().Message);
            _ctx.Merges.FinishGateRun(run with
            {
                Status = outcome.Passed ? "passed" : "failed",
                Passed = outcome.TestsPassed,
                Failed = outcome.TestsFailed,
                Skipped = outcome.TestsSkipped,
                Output = outcome.Output,
                FinishedAt = now,
            });
            var ticket = _ctx.Tickets.GetTicket(number);
            if (ticket is not { Status: TicketStatus.Testing })
            {
                continue; // moved on meanwhile (cancelled by hand): the run stays recorded, nothing else
            }

            if (outcome.Passed)
            {
                Passed(ticket, outcome, now);
                report.Add($"{ticket.Id}: gate passed: {outcome.Summary}");
            }
            else
            {
                _ctx.Store.AppendEvent(Dispatcher.Event(ticket, EventTypes.GateFailed, $"{ticket.Id}: gate failed: {outcome.Summary}", now));
                await _life.SendBackAsync(ticket, $"The gate failed on {ticket.Id}: {outcome.Summary}", Tail(outcome.Output), ct).ConfigureAwait(false);
                report.Add($"{ticket.Id}: gate failed: {outcome.Summary}");
            }
        }

        foreach (var ticket in _ctx.Tickets.ListTickets(new TicketQuery(TicketStatus.Testing)))
        {
            if (_gates.ContainsKey(ticket.Number) || ticket.Worktree is null)
            {
                continue;
            }

            var now = _ctx.Time.GetUtcNow();
            var run = _ctx.Merges.AddGateRun(new GateRun { Ticket = ticket.Number, Worker = ticket.Assignee, Branch = ticket.Branch, Kind = "worktree", Status = "running", StartedAt = now });
            _ctx.Store.AppendEvent(Dispatcher.Event(ticket, EventTypes.GateStarted, $"{ticket.Id}: gate started in {ticket.Worktree}: {string.Join(" && ", _ctx.Config.GateCommands)}", now));
            var dir = ticket.Worktree;
            _gates[ticket.Number] = (run, Task.Run(() => _gateRunner.Run(dir, _ctx.Config.GateCommands, _ctx.Config.GateTimeout), CancellationToken.None));
            report.Add($"{ticket.Id}: gate started");
        }
    }

    private void Passed(Ticket ticket, GateOutcome outcome, DateTimeOffset now)
    {
        _ctx.Tickets.Mutate(ticket.Number, t =>
        {
            var next = t with { Status = TicketStatus.Review, UpdatedAt = now };
            var events = new List<EventRecord> { Dispatcher.Event(t, EventTypes.GatePassed, $"{t.Id}: gate passed: {outcome.Summary}; status review", now) };
            if (!_ctx.Config.AutoMerge)
            {
                return new TicketMutation(next, events);
            }

            events.Add(Dispatcher.Event(t, EventTypes.MergeQueued, $"{t.Id}: {t.Branch} queued to merge into {t.Target}", now));
            return new TicketMutation(next, events)
            {
                MergeRequest = new MergeRequest { Ticket = t.Number, Branch = t.Branch!, Target = t.Target!, Status = "queued", CreatedAt = now, UpdatedAt = now },
            };
        });
    }

    private async Task MergesAsync(TickReport report, CancellationToken ct)
    {
        if (_merge is { } running)
        {
            if (!running.Task.IsCompleted)
            {
                return;
            }

            _merge = null;
            await LandedAsync(running.Request, running.Ticket, running.Task, report, ct).ConfigureAwait(false);
        }

        if (!_ctx.Config.AutoMerge)
        {
            return;
        }

        foreach (var mr in _ctx.Merges.MergeRequests(openOnly: true))
        {
            var ticket = mr.Ticket is { } n ? _ctx.Tickets.GetTicket(n) : null;
            if (ticket is { } gone && gone.Status.IsFinished())
            {
                // Cancelled or failed by hand while it waited: it leaves the queue.
                var now = _ctx.Time.GetUtcNow();
                _ctx.Tickets.Mutate(gone.Number, t => new TicketMutation(t, [Dispatcher.Event(t, EventTypes.MergeFailed, $"{t.Id}: {mr.Branch} leaves the merge queue: the ticket is {t.Status.ToText()}", now)])
                {
                    MergeRequest = mr with { Status = "cancelled", Detail = $"ticket {gone.Status.ToText()}", UpdatedAt = now },
                });
                continue;
            }

            if (ticket is not { Status: TicketStatus.Review })
            {
                continue;
            }

            var scratch = Path.Combine(_ctx.WorktreesDir, $"_merge-{mr.Id}");
            var message = $"Merge {ticket.Id}: {ticket.Title}\n\nBranch {mr.Branch} merged by Baton after its gate passed.\nBaton-Ticket: {ticket.Id}";
            var commands = _ctx.Config.GateCommands;
            var timeout = _ctx.Config.GateTimeout;
            _merge = (mr, ticket, Task.Run(() => _mergeJob.Run(_ctx.Root, scratch, mr, message, commands, timeout), CancellationToken.None));
            report.Add($"{ticket.Id}: merging {mr.Branch} into {mr.Target}");
            return; // one at a time, in order
        }
    }

    private async Task LandedAsync(MergeRequest mr, Ticket ticket, Task<MergeOutcome> task, TickReport report, CancellationToken ct)
    {
        var now = _ctx.Time.GetUtcNow();
        var outcome = task.IsCompletedSuccessfully ? task.Result : new MergeOutcome(MergeOutcome.Retry, "the merge could not run: " + task.Exception?.GetBaseException().Message);
        switch (outcome.Result)
        {
            case MergeOutcome.Merged:
                var done = _ctx.Tickets.Mutate(ticket.Number, t => new TicketMutation(
                    t with { Status = TicketStatus.Done, UpdatedAt = now, FinishedAt = now },
                    [
                        Dispatcher.Event(t, EventTypes.PrMerged, $"{t.Id}: {outcome.Detail}", now, metadata: new Dictionary<string, string> { ["commit"] = outcome.Commit ?? "", ["target"] = mr.Target }),
                        Dispatcher.Event(t, EventTypes.TaskCompleted, $"{t.Id} done", now),
                    ])
                {
                    MergeRequest = mr with { Status = "merged", Detail = outcome.Commit, UpdatedAt = now },
                });
                _ctx.TicketService.WriteResult(done);
                _cleanUp(done);
                report.Add($"{ticket.Id}: {outcome.Detail}");
                break;
            case MergeOutcome.Retry:
                report.Add($"{ticket.Id}: {outcome.Detail}");
                break;
            default:
                var current = _ctx.Tickets.Mutate(ticket.Number, t => new TicketMutation(t,
                    [Dispatcher.Event(t, EventTypes.MergeFailed, $"{t.Id}: {outcome.Detail}", now)])
                {
                    MergeRequest = mr with { Status = outcome.Result == MergeOutcome.Conflict ? "conflict" : "failed", Detail = outcome.Detail, UpdatedAt = now },
                });
                var details = outcome.Files is { Count: > 0 } files
                    ? $"Conflicting files: {string.Join(", ", files)}. Merge {mr.Target} into your branch (git merge {mr.Target}), resolve, and commit."
                    : Tail(outcome.Gate?.Output ?? "");
                await _life.SendBackAsync(current, outcome.Detail, details, ct).ConfigureAwait(false);
                report.Add($"{ticket.Id}: {outcome.Detail}");
                break;
        }
    }

    private static string Tail(string output)
    {
        var lines = output.TrimEnd().Split('\n');
        return string.Join('\n', lines.Skip(Math.Max(0, lines.Length - 30)));
    }
}
