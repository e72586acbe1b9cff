using System.Globalization;
using Baton.Core.Dispatch;
using Baton.Core.Events;
using Baton.Core.Storage;
using Baton.Core.Tickets;
using Baton.Core.Usage;
using Baton.Core.Workers;

namespace Baton.Core.Handoff;

/// <summary>
/// Moves a ticket from its worker to a fresh agent in the same worktree: (optionally) asks the
/// agent for its section, builds the packet (Baton's record always), snapshots uncommitted work
/// as a refs/baton/wip/ ref with the files left in place, ends the agent, hands the ticket to the
/// successor in one compare-and-set, and starts it typed the ticket and the packet. While that
/// runs the handoff is "underway" in the store, and the autopilot leaves the ticket alone.
/// </summary>
public sealed class HandoffService
{
    /// <summary>An underway handoff older than this was left by a killed process.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(30);

    private readonly AutopilotContext _c;
    private readonly IHandoffStore _handoffs;
    private readonly HandoffRecordBuilder _builder;
    private readonly HandoffConfig _config;

    public HandoffService(AutopilotContext context, IHandoffStore handoffs, Git.IGitDiffs diffs)
    {
        ArgumentNullException.ThrowIfNull(context);
        _c = context;
        _handoffs = handoffs;
        _builder = new HandoffRecordBuilder(context.Git, diffs, context.Merges, context.Store, context.Files);
        _config = context.Workers.Config.Handoff;
    }

    public string PacketPath(long id) => Path.Combine(_c.Paths.HandoffDir, $"H-{id.ToString(CultureInfo.InvariantCulture)}.json");

    public string SectionPath(long id) => Path.Combine(_c.Paths.HandoffDir, $"H-{id.ToString(CultureInfo.InvariantCulture)}.section.json");

    public string SchemaPath => Path.Combine(_c.Paths.HandoffDir, "schema.json");

    /// <summary>The worker's context fill from its latest usage row, against its model's effective window.</summary>
    public ContextGauge? Gauge(Worker worker)
    {
        ArgumentNullException.ThrowIfNull(worker);
        var row = _c.Workers.Usage?.List().LastOrDefault(r => r.Worker == worker.Name);
        return row is null ? null : ContextGauge.Of(worker.Agent, row.Context, _config.Windows);
    }

    public async Task<HandoffRow> HandOffAsync(HandoffRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var triggered = request.TriggeredAt ?? _c.Time.GetUtcNow();
        var worker = _c.Store.GetWorker(request.Worker) ?? throw BatonException.Usage($"unknown worker '{request.Worker}': `baton list` shows the workers Baton knows");
        if (!worker.State.IsLive())
        {
            throw new BatonException($"{worker.Name} is {worker.State.ToText()}: only a live worker hands its ticket over");
        }

        if (ProphetHandoff.Is(worker))
        {
            // The orchestrating agent has no ticket: it hands the orchestration itself over.
            return await new ProphetHandoff(_c, _handoffs, this, _builder).HandOffAsync(worker, request, triggered, ct).ConfigureAwait(false);
        }

        var ticket = (worker.Ticket is { } n ? _c.Tickets.GetTicket(n) : null)
            ?? throw new BatonException($"{worker.Name} works on no ticket: a handoff moves a ticket to a fresh agent (start work with `baton up` or `baton ticket assign`)");
        if (ticket.Status != TicketStatus.InProgress || ticket.Assignee != worker.Name || ticket.Worktree is null)
        {
            throw new BatonException($"{ticket.Id} is {ticket.Status.ToText()} and assigned to {ticket.Assignee ?? "nobody"}: only the in-progress ticket of its own worker can be handed over");
        }

        var role = _c.Workers.RoleSetup().Roles.Catalog.GetRole(worker.Role ?? ticket.RoleWanted ?? _c.Config.DefaultRole);
        var choice = new Successors(_c.Store, _c.Workers.Profiles, _c.Config.TokensPerHour, _c.Time).Choose(worker.Agent, role, request.To);
        var gauge = Gauge(worker);
        var reason = request.Reason ?? (gauge?.Percent is { } p ? $"context at {p.ToString("0.#", CultureInfo.InvariantCulture)}% of {worker.Agent}'s effective window" : "handed over by hand");
        var row = _handoffs.Begin(new HandoffRow
        {
            Ticket = ticket.Number,
            FromWorker = worker.Name,
            FromAgent = worker.Agent,
            ToAgent = choice.Agent,
            Reason = reason,
            Trigger = request.Trigger,
            Status = request.Now ? "switching" : "asking",
            ContextPercent = gauge?.Percent,
            ContextTokens = gauge?.Tokens,
            TriggeredAt = triggered,
        }, _c.Time.GetUtcNow() - StaleAfter) ?? throw new BatonException($"a handoff of {ticket.Id} is already underway: `baton handoffs --ticket {ticket.Id}` shows it");

        try
        {
            var section = request.Now ? null : await AskAsync(row, worker, ticket, gauge, ct).ConfigureAwait(false);
            return await SwitchAsync(row with { Status = "switching" }, worker, ticket, role.Name, choice, section, triggered, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var now = _c.Time.GetUtcNow();
            var failed = row with { Status = "failed", Error = e.Message, FinishedAt = now };
            _handoffs.Update(failed, [Dispatcher.Event(ticket, EventTypes.Notification, $"{row.IdText}: handing {ticket.Id} from {worker.Name} to {choice.Agent} failed: {e.Message}", now, worker.Name,
                new Dictionary<string, string> { ["kind"] = "handoff_failed", ["handoff"] = row.IdText })]);
            throw;
        }
    }

    /// <summary>Asks the agent for its section (typed to it; an agent mid-turn takes it at its turn's end) and waits for it, at most handoff.ask_timeout.</summary>
    private async Task<string?> AskAsync(HandoffRow row, Worker worker, Ticket ticket, ContextGauge? gauge, CancellationToken ct)
    {
        _c.Files.CreateDirectory(_c.Paths.HandoffDir);
        _c.Files.WriteText(SchemaPath, HandoffSchema.Text);
        var fill = gauge?.Percent is { } p ? $" (your context is {p.ToString("0", CultureInfo.InvariantCulture)}% full)" : "";
        var message = $"Baton is handing {ticket.Id} to a fresh agent{fill}. Stop your current work and write your handoff section for it: "
            + $"run `baton handoff write {row.IdText} '<one JSON object>'` (or pipe it to `baton handoff write {row.IdText}`; schema: {SchemaPath}; required: goal, progress_summary, next_steps; "
            + "also completed_work, current_work, decisions, rejected_approaches, relevant_files, tests [{name, result}], blockers). "
            + "It tells you what to fix if the section is refused. Do not commit; do nothing else after it.";
        await _c.WorkerService().SendAsync(worker.Name, message, ct).ConfigureAwait(false);
        _c.Store.AppendEvent(Dispatcher.Event(ticket, EventTypes.HandoffAsked, $"{row.IdText}: {worker.Name} asked for its handoff section (waits {Config.Durations.Format(_config.AskTimeout)})", _c.Time.GetUtcNow(), worker.Name,
            new Dictionary<string, string> { ["handoff"] = row.IdText }));
        // No answer in time, or the agent gone: null, the forced path.
        return await SectionWait.ForAsync(_c.Files, _c.Time, SectionPath(row.Id), _config.AskTimeout,
            () => _c.Store.GetWorker(worker.Name) is { } w && w.State.IsLive(), ct).ConfigureAwait(false);
    }

    private async Task<HandoffRow> SwitchAsync(HandoffRow row, Worker worker, Ticket ticket, string role, SuccessorChoice choice, string? section, DateTimeOffset triggered, CancellationToken ct)
    {
        var record = _builder.Build(ticket, worker);
        var worktrees = TicketWorktrees.For(_c);
        var wip = worktrees.Snapshot(ticket, "handoff");
        try
        {
            await _c.WorkerService().KillAsync(worker.Name, ct).ConfigureAwait(false);
        }
        catch (BatonException)
        {
            // Gone already: nothing to end.
        }

        var earlier = _handoffs.List(ticket.Number).Count(h => h.Id < row.Id && h.Status == "done");
        var successor = $"{Dispatcher.WorkerNameFor(ticket, ticket.Attempts)}-h{(earlier + 1).ToString(CultureInfo.InvariantCulture)}";
        var now = _c.Time.GetUtcNow();
        var moved = Move(ticket, worker.Name, successor, row, now)
            ?? throw new BatonException($"{ticket.Id} changed while it was being handed over (no longer in progress with {worker.Name}); nothing was started");
        var packet = PacketAssembly.Make(moved, worker, choice.Agent, row.Reason, row.ContextPercent, section, record with { WipRef = wip }, now);
        var path = PacketPath(row.Id);
        _c.Files.CreateDirectory(_c.Paths.HandoffDir);
        _c.Files.WriteText(path, HandoffJson.Write(packet));
        var prompt = DispatcherOf(_c).Prompt(moved, null) + "\n\n" + HandoffText.Render(packet, path);
        var started = await new WorkerSpawner(_c.Workers).SpawnAsync(new SpawnRequest
        {
            Name = successor,
            Agent = choice.Agent,
            Role = role,
            Directory = moved.Worktree!,
            Prompt = prompt,
            Headless = worker.Mode == WorkerMode.Headless,
            Ticket = moved.Number,
            Branch = moved.Branch,
        }, ct).ConfigureAwait(false);
        var done = _c.Time.GetUtcNow();
        var finished = row with
        {
            Status = "done",
            ToWorker = started.Name,
            Source = packet.Source,
            WipRef = wip,
            PacketPath = path,
            FinishedAt = done,
            LatencyMs = (long)(done - triggered).TotalMilliseconds,
        };
        var skipped = choice.Skipped.Count == 0 ? "" : $" (passed over: {string.Join("; ", choice.Skipped)})";
        _handoffs.Update(finished, [Dispatcher.Event(moved, EventTypes.Handoff,
            $"{row.IdText}: {ticket.Id} handed from {worker.Name} ({worker.Agent}) to {started.Name} ({choice.Agent}): {row.Reason}; packet from the {(packet.Source == "agent" ? "agent's section and Baton's record" : "record alone")}{skipped}",
            done, started.Name, finished.DoneEventMetadata(choice.Agent))]);
        return finished;
    }

    /// <summary>The ticket to its successor, only if it is still in progress with the leaving worker.</summary>
    private Ticket? Move(Ticket seen, string from, string to, HandoffRow row, DateTimeOffset now)
    {
        try
        {
            return _c.Tickets.Mutate(seen.Number, t => t.Status == TicketStatus.InProgress && t.Assignee == from
                ? new TicketMutation(t with { Assignee = to, UpdatedAt = now, Nudges = 0, NudgedAt = null },
                    [Dispatcher.Event(t, EventTypes.TicketUpdated, $"{t.Id} handed from {from} to {to} ({row.IdText})", now, to)])
                : throw new MovedOn());
        }
        catch (MovedOn)
        {
            return null;
        }
    }

    private static Dispatcher DispatcherOf(AutopilotContext c) =>
        new(c.Config, c.Workers.Config.DefaultAgent, c.Time, c.Tickets, c.Git, () => c.Workers.RoleSetup().Roles.Catalog, c.Workers.Profiles, c.Paths, c.Files);

    private sealed class MovedOn : Exception;
}
