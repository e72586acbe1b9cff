using Baton.Core.Agents;
using Baton.Core.Config;
using Baton.Core.Events;
using Baton.Core.Storage;
using Baton.Core.Tickets;
using Baton.Core.Workers;

namespace Baton.Core.Dispatch;

/// <summary>
/// What the supervisor does to a worker, on a person's demand (`baton nudge`, `baton approve`, the
/// dashboard's buttons), recorded with who asked (<c>by</c> in the event's metadata). The worker
/// comes in as the monitor just saw it, so a question is approved only while it is on screen.
/// </summary>
public sealed class WorkerActions
{
    private readonly AutopilotConfig _config;
    private readonly TimeProvider _time;
    private readonly ITicketStore _tickets;
    private readonly IStore _store;
    private readonly IWorkerControl _workers;
    private readonly IAgentProfiles _profiles;

    public WorkerActions(AutopilotConfig config, TimeProvider time, ITicketStore tickets, IStore store, IWorkerControl workers, IAgentProfiles profiles)
    {
        _config = config;
        _time = time;
        _tickets = tickets;
        _store = store;
        _workers = workers;
        _profiles = profiles;
    }

    /// <summary>
    /// Types the supervisor's nudge (or, to an idle agent, its status request) and records it. It
    /// moves the ticket's last-nudge time, so the supervisor waits a full stall period before its
    /// own next nudge, but does not count toward <c>max_nudges</c>: a person asking is not
    /// evidence that the agent is stuck.
    /// </summary>
    public async Task<NudgeOutcome> NudgeAsync(Worker worker, string actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(worker);
        RequireLive(worker, "nudge");
        var idle = worker.State == WorkerState.Idle;
        var ticket = TicketOf(worker);
        var text = NudgeText.For(ticket?.Id, idle, _config.StallAfter);
        var typed = await _workers.SendAsync(worker.Name, text, ct).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var type = idle ? EventTypes.WorkerStatusAsked : EventTypes.WorkerNudged;
        var message = $"{worker.Name} {(idle ? "asked for its status" : "nudged")} by {actor}" + (typed.Verified ? "" : $" (submit NOT confirmed: {typed.Detail})");
        var meta = new Dictionary<string, string> { ["by"] = actor, ["verified"] = typed.Verified ? "true" : "false" };
        if (ticket is not null)
        {
            _tickets.Mutate(ticket.Number, t => new TicketMutation(t with { NudgedAt = now }, [Dispatcher.Event(t, type, message, now, worker.Name, meta)]));
        }
        else
        {
            _store.AppendEvent(WorkerEvents.For(worker, type, message, now, meta));
        }

        return new NudgeOutcome(worker.Name, ticket?.Id, idle ? "asked" : "nudged", text, typed.Verified, actor);
    }

    /// <summary>Answers the permission question on the worker's screen with its profile's approve keys, as the supervisor does for a role with <c>auto_approve</c>.</summary>
    public async Task<ApproveOutcome> ApproveAsync(Worker worker, string actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(worker);
        RequireLive(worker, "approve");
        if (worker.Mode == WorkerMode.Headless || worker.Session is null)
        {
            throw new BatonException($"worker '{worker.Name}' runs headless: it asks no permission questions to approve");
        }

        if (worker.State != WorkerState.Waiting)
        {
            throw new BatonException($"worker '{worker.Name}' is not waiting on a permission question (it is {worker.State.ToText()}: {worker.Evidence ?? "no evidence"}): nothing to approve");
        }

        var keys = _profiles.Get(worker.Agent).ApproveKeys;
        await Task.Run(() => _workers.PressKeys(worker, keys), ct).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var question = worker.Evidence ?? "permission question";
        var ticket = TicketOf(worker);
        _store.AppendEvent(WorkerEvents.For(worker, EventTypes.PermissionApproved, $"{worker.Name}: permission question approved by {actor}: {question}", now,
            new Dictionary<string, string> { ["by"] = actor, ["keys"] = string.Join(' ', keys) }) with { Ticket = ticket?.Id, Feature = ticket?.Feature });
        return new ApproveOutcome(worker.Name, ticket?.Id, question, keys, actor);
    }

    /// <summary>
    /// The ticket the worker works on: the one it was spawned for, else the unfinished one assigned
    /// to it (`baton ticket assign`), as the supervisor finds a ticket's worker by its assignee.
    /// </summary>
    private Ticket? TicketOf(Worker worker) =>
        (worker.Ticket is { } number ? _tickets.GetTicket(number) : null)
        ?? _tickets.ListTickets(new TicketQuery(Assignee: worker.Name)).Where(t => !t.Status.IsFinished()).OrderByDescending(t => t.UpdatedAt).FirstOrDefault();

    private static void RequireLive(Worker worker, string what)
    {
        if (!worker.State.IsLive())
        {
            throw new BatonException($"worker '{worker.Name}' is {worker.State.ToText()}: there is nothing to {what}");
        }
    }
}
