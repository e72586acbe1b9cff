using System.Globalization;
using System.Text;
using Baton.Core.Dispatch;
using Baton.Core.Events;
using Baton.Core.Workers;

namespace Baton.Core.Handoff;

/// <summary>
/// The prophet (the orchestrating agent, worker <c>prophet</c>, role prophet) hands itself over
/// like a ticket's worker, but it works on no ticket: its handoff row has none, its packet's
/// record is its last messages (the state of the work is in the store, which the successor reads
/// with `baton status`), and the successor — a fresh prophet in the same session name and the
/// repository root, given the prophet role's prompt as every prophet is — is typed the packet
/// and told that it now owns the orchestration.
/// </summary>
public sealed class ProphetHandoff
{
    public const string Worker = "prophet";
    public const string Role = "prophet";

    private readonly AutopilotContext _c;
    private readonly IHandoffStore _handoffs;
    private readonly HandoffService _service;
    private readonly HandoffRecordBuilder _builder;

    public ProphetHandoff(AutopilotContext context, IHandoffStore handoffs, HandoffService service, HandoffRecordBuilder builder)
    {
        _c = context;
        _handoffs = handoffs;
        _service = service;
        _builder = builder;
    }

    /// <summary>Whether <paramref name="worker"/> is the prophet (which has no ticket).</summary>
    public static bool Is(Worker worker) => worker is { Name: Worker, Ticket: null };

    public async Task<HandoffRow> HandOffAsync(Worker prophet, HandoffRequest request, DateTimeOffset triggered, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(prophet);
        ArgumentNullException.ThrowIfNull(request);
        var role = _c.Workers.RoleSetup().Roles.Catalog.GetRole(prophet.Role ?? Role);
        var choice = new Successors(_c.Store, _c.Workers.Profiles, _c.Config.TokensPerHour, _c.Time).Choose(prophet.Agent, role, request.To);
        var gauge = _service.Gauge(prophet);
        var reason = request.Reason ?? (gauge?.Percent is { } p ? $"context at {p.ToString("0.#", CultureInfo.InvariantCulture)}% of {prophet.Agent}'s effective window" : "handed over by hand");
        var row = _handoffs.Begin(new HandoffRow
        {
            Ticket = null,
            FromWorker = prophet.Name,
            FromAgent = prophet.Agent,
            ToAgent = choice.Agent,
            Reason = reason,
            Trigger = request.Trigger,
            Status = request.Now ? "switching" : "asking",
            ContextPercent = gauge?.Percent,
            ContextTokens = gauge?.Tokens,
            TriggeredAt = triggered,
        }, _c.Time.GetUtcNow() - HandoffService.StaleAfter) ?? throw new BatonException("a handoff of the prophet is already underway: `baton handoffs` shows it");

        try
        {
            var section = request.Now ? null : await AskAsync(row, prophet, gauge, ct).ConfigureAwait(false);
            return await SwitchAsync(row with { Status = "switching" }, prophet, role.Name, choice, section, triggered, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var now = _c.Time.GetUtcNow();
            _handoffs.Update(row with { Status = "failed", Error = e.Message, FinishedAt = now },
                [Event(EventTypes.Notification, $"{row.IdText}: handing the prophet over to {choice.Agent} failed: {e.Message}", now, prophet.Name,
                    new Dictionary<string, string> { ["kind"] = "handoff_failed", ["handoff"] = row.IdText })]);
            throw;
        }
    }

    private async Task<string?> AskAsync(HandoffRow row, Worker prophet, Usage.ContextGauge? gauge, CancellationToken ct)
    {
        _c.Files.CreateDirectory(_c.Paths.HandoffDir);
        _c.Files.WriteText(_service.SchemaPath, HandoffSchema.Text);
        var fill = gauge?.Percent is { } p ? $" (your context is {p.ToString("0", CultureInfo.InvariantCulture)}% full)" : "";
        var message = $"Baton is handing the orchestration to a fresh prophet{fill}. Stop and write your handoff section for it: "
            + $"run `baton handoff write {row.IdText} '<one JSON object>'` (schema: {_service.SchemaPath}; required: goal, progress_summary, next_steps; "
            + "also decisions, rejected_approaches, blockers...): what you are steering, what you decided and what comes next. Do nothing else after it.";
        await _c.WorkerService().SendAsync(prophet.Name, message, ct).ConfigureAwait(false);
        _c.Store.AppendEvent(Event(EventTypes.HandoffAsked, $"{row.IdText}: the prophet asked for its handoff section (waits {Config.Durations.Format(_c.Workers.Config.Handoff.AskTimeout)})", _c.Time.GetUtcNow(), prophet.Name,
            new Dictionary<string, string> { ["handoff"] = row.IdText }));
        return await SectionWait.ForAsync(_c.Files, _c.Time, _service.SectionPath(row.Id), _c.Workers.Config.Handoff.AskTimeout,
            () => _c.Store.GetWorker(prophet.Name) is { } w && w.State.IsLive(), ct).ConfigureAwait(false);
    }

    private async Task<HandoffRow> SwitchAsync(HandoffRow row, Worker prophet, string role, SuccessorChoice choice, string? section, DateTimeOffset triggered, CancellationToken ct)
    {
        var record = new HandoffRecord { LastMessages = _builder.LastMessages(prophet) };
        var now = _c.Time.GetUtcNow();
        var (valid, errors) = section is null ? (null, ["no section: the prophet was not asked (--now, or the forced threshold) or did not answer in time"]) : HandoffSchema.Validate(section);
        var packet = new HandoffPacket
        {
            Ticket = "prophet",
            Title = "the orchestration",
            FromWorker = prophet.Name,
            FromAgent = prophet.Agent,
            ToAgent = choice.Agent,
            Reason = row.Reason,
            ContextPercent = row.ContextPercent,
            CreatedAt = now,
            Source = valid is null ? "record" : "agent",
            Section = valid,
            SectionErrors = errors,
            Record = record,
        };
        var path = _service.PacketPath(row.Id);
        _c.Files.CreateDirectory(_c.Paths.HandoffDir);
        _c.Files.WriteText(path, HandoffJson.Write(packet));
        try
        {
            await _c.WorkerService().KillAsync(prophet.Name, ct).ConfigureAwait(false);
        }
        catch (BatonException)
        {
            // Gone already: nothing to end.
        }

        // The same name, so the session stays <prefix>prophet, as `baton prophet` restarts it.
        var started = await new WorkerSpawner(_c.Workers).SpawnAsync(new SpawnRequest
        {
            Name = prophet.Name,
            Agent = choice.Agent,
            Role = role,
            Directory = _c.Paths.Root,
            Prompt = Text(packet, path),
            Headless = prophet.Mode == WorkerMode.Headless,
        }, ct).ConfigureAwait(false);
        var done = _c.Time.GetUtcNow();
        var finished = row with { Status = "done", ToWorker = started.Name, Source = packet.Source, PacketPath = path, FinishedAt = done, LatencyMs = (long)(done - triggered).TotalMilliseconds };
        _handoffs.Update(finished, [Event(EventTypes.Handoff,
            $"{row.IdText}: the prophet handed over from {prophet.Agent} to a fresh {choice.Agent}: {row.Reason}; packet from the {(packet.Source == "agent" ? "agent's section and Baton's record" : "record alone")}",
            done, started.Name, finished.DoneEventMetadata(choice.Agent))]);
        return finished;
    }

    /// <summary>What the new prophet is typed (its role's prompt comes with the role, as for every prophet).</summary>
    public static string Text(HandoffPacket packet, string packetPath)
    {
        ArgumentNullException.ThrowIfNull(packet);
        var t = new StringBuilder();
        var fill = packet.ContextPercent is { } p ? $" at {p.ToString("0", CultureInfo.InvariantCulture)}% of its context" : "";
        t.Append(CultureInfo.InvariantCulture, $"# Handoff: you are the new prophet. You now own the orchestration, taken over from the previous prophet ({packet.FromAgent}){fill}.\n");
        t.Append(CultureInfo.InvariantCulture, $"Reason: {packet.Reason}. The tickets, workers and their state are in Baton: run `baton status` and `baton ticket list` first, then go on steering. ");
        t.Append(CultureInfo.InvariantCulture, $"The whole packet (JSON) is {packetPath}.\n");
        if (packet.Section is { } s)
        {
            t.Append(CultureInfo.InvariantCulture, $"\n## From the previous prophet\nGoal: {s.Goal}\nProgress: {s.ProgressSummary}\n");
            Items(t, "Decisions", s.Decisions);
            Items(t, "Tried and rejected", s.RejectedApproaches);
            Items(t, "Blockers", s.Blockers);
            Items(t, "Next steps", s.NextSteps);
        }
        else
        {
            t.Append("\n(The previous prophet wrote no section; what follows is Baton's own record.)\n");
        }

        Items(t, "The previous prophet's last messages", packet.Record.LastMessages);
        return t.ToString();
    }

    private static void Items(StringBuilder t, string title, IReadOnlyList<string> items)
    {
        if (items.Count == 0)
        {
            return;
        }

        t.Append(title).Append(":\n");
        foreach (var item in items)
        {
            t.Append("- ").Append(item.Replace("\n", "\n  ", StringComparison.Ordinal)).Append('\n');
        }
    }

    private static EventRecord Event(string type, string message, DateTimeOffset now, string worker, IReadOnlyDictionary<string, string> metadata) => new()
    {
        Time = now,
        Type = type,
        Worker = worker,
        Role = Role,
        Message = message,
        Metadata = metadata,
    };
}
