using System.Globalization;
using System.Text;
using System.Text.Json;
using Baton.Core.Config;
using Baton.Core.Events;
using Baton.Core.Files;
using Baton.Core.Security;
using Baton.Core.Storage;
using Baton.Core.Tickets;
using Baton.Core.Workers;

namespace Baton.Core.Synthesis;

/// <summary>
/// `baton synthesize T-12 T-13`: a reviewing agent (role synthesizer) reads what several finished
/// tickets left (<see cref="TicketDossier"/>) and reports conflicts, gaps and follow-up tickets.
/// The report is stored as <c>.baton/synthesis/S-ID.md</c> (and <c>.json</c>), added to each
/// ticket's artifacts, and recorded as a <c>synthesis_written</c> event.
/// </summary>
public sealed class SynthesisService
{
    public const string DefaultRole = "synthesizer";

    /// <summary>The patch text all tickets share in one prompt; each gets at least <see cref="MinPatchChars"/>.</summary>
    public const int PatchBudgetChars = 60_000;
    public const int MinPatchChars = 4_000;

    private readonly IAgentQuestions _agent;
    private readonly ITicketStore _tickets;
    private readonly IStore _store;
    private readonly DossierBuilder _dossiers;
    private readonly IFiles _files;
    private readonly BatonPaths _paths;
    private readonly TimeProvider _time;
    private readonly Redactor _redactor;

    public SynthesisService(IAgentQuestions agent, ITicketStore tickets, IStore store, DossierBuilder dossiers, IFiles files, BatonPaths paths, TimeProvider time, Redactor redactor)
    {
        _agent = agent;
        _tickets = tickets;
        _store = store;
        _dossiers = dossiers;
        _files = files;
        _paths = paths;
        _time = time;
        _redactor = redactor;
    }

    public string Folder => Path.Combine(_paths.BatonDir, "synthesis");

    public async Task<SynthesisOutcome> SynthesizeAsync(SynthesisRequest request, IProgress<string>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var tickets = Finished(request.Tickets);
        var perTicket = Math.Max(MinPatchChars, PatchBudgetChars / tickets.Count);
        var dossiers = _dossiers.Build(tickets, perTicket);
        var prompt = SynthesisPrompt.Build(dossiers, request.Focus);
        progress?.Report($"asking the reviewing agent about {string.Join(", ", tickets.Select(t => t.Id))}");
        var answer = await _agent.AskAsync(new AgentQuestion
        {
            Prompt = prompt,
            Directory = _paths.Root,
            Role = request.Role,
            Agent = request.Agent,
            Purpose = "synthesis",
            Timeout = request.Timeout,
        }, progress, ct).ConfigureAwait(false);

        var report = _redactor.Redact(AgentReply.Text(answer.Output));
        if (report.Length == 0)
        {
            throw new BatonException($"the reviewing agent {answer.Worker} ({answer.Agent}) answered nothing (exit code {answer.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "unknown"}); see .baton/logs/{answer.Worker}.log");
        }

        var sections = SynthesisSections.Parse(report);
        var now = _time.GetUtcNow();
        var id = NewId(now);
        var ids = tickets.Select(t => t.Id).ToList();
        var md = Path.Combine(Folder, id + ".md");
        var json = Path.Combine(Folder, id + ".json");
        _files.WriteText(md, $"# Synthesis {id}: {string.Join(", ", ids)}\n\nBy {answer.Worker} ({answer.Agent}, role {request.Role}) at {now:yyyy-MM-dd HH:mm:ss}Z.\n\n{report.Trim()}\n");
        _files.WriteText(json, Json(id, ids, answer, request.Role, now, report, sections));

        // The report is an artifact of every ticket it reviewed, as a file an agent or person opens.
        var relative = Path.GetRelativePath(_paths.Root, md);
        foreach (var t in tickets)
        {
            _tickets.Mutate(t.Number, current => new TicketMutation(
                current with { Artifacts = current.Artifacts.Append(relative).Distinct(StringComparer.Ordinal).ToList(), UpdatedAt = now },
                [new EventRecord { Time = now, Type = EventTypes.TicketUpdated, Ticket = current.Id, Feature = current.Feature, Message = $"{current.Id}: synthesis {id} added to its artifacts" }]));
        }

        _store.AppendEvent(new EventRecord
        {
            Time = now,
            Type = EventTypes.SynthesisWritten,
            Ticket = ids[0],
            Feature = tickets.Select(t => t.Feature).Distinct().Count() == 1 ? tickets[0].Feature : null,
            Worker = answer.Worker,
            Message = $"synthesis {id} of {string.Join(", ", ids)}: {sections.Conflicts.Count} conflicts, {sections.Gaps.Count} gaps, {sections.FollowUps.Count} follow-up tickets proposed",
            Metadata = new Dictionary<string, string>
            {
                ["synthesis"] = id,
                ["tickets"] = string.Join(",", ids),
                ["report"] = relative,
                ["agent"] = answer.Agent,
                ["conflicts"] = sections.Conflicts.Count.ToString(CultureInfo.InvariantCulture),
                ["gaps"] = sections.Gaps.Count.ToString(CultureInfo.InvariantCulture),
                ["follow_ups"] = sections.FollowUps.Count.ToString(CultureInfo.InvariantCulture),
            },
        });
        return new SynthesisOutcome(id, md, json, ids, report, sections, answer.Worker, answer.Agent, answer.ExitCode);
    }

    /// <summary>The tickets, each once, in the order given; unknown or unfinished ones are refused before any agent runs.</summary>
    private List<Ticket> Finished(IReadOnlyList<string> ids)
    {
        var numbers = ids.SelectMany(i => i.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Select(TicketId.Parse).Distinct().ToList();
        if (numbers.Count == 0)
        {
            throw BatonException.Usage("name the finished tickets to review, e.g. baton synthesize T-12 T-13 T-14");
        }

        var tickets = new List<Ticket>();
        foreach (var n in numbers)
        {
            tickets.Add(_tickets.GetTicket(n) ?? throw BatonException.Usage($"unknown ticket {TicketId.Format(n)}: `baton ticket list` shows the tickets"));
        }

        var unfinished = tickets.Where(t => !t.Status.IsFinished()).ToList();
        if (unfinished.Count > 0)
        {
            throw BatonException.Usage(
                $"{string.Join(", ", unfinished.Select(t => $"{t.Id} is {t.Status.ToText()}"))}: synthesize reviews finished tickets only (done, failed or cancelled); "
                + "wait until they finish, or leave them out");
        }

        return tickets;
    }

    private string NewId(DateTimeOffset now)
    {
        var id = "S-" + now.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var candidate = id;
        for (var n = 2; _files.FileExists(Path.Combine(Folder, candidate + ".md")); n++)
        {
            candidate = id + "-" + n.ToString(CultureInfo.InvariantCulture);
        }

        return candidate;
    }

    private static string Json(string id, IReadOnlyList<string> tickets, AgentAnswer answer, string role, DateTimeOffset now, string report, SynthesisSections sections)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("id", id);
            w.WritePropertyName("tickets");
            Strings(w, tickets);
            w.WriteString("worker", answer.Worker);
            w.WriteString("agent", answer.Agent);
            w.WriteString("role", role);
            w.WriteString("created_at", now);
            w.WritePropertyName("conflicts");
            Strings(w, sections.Conflicts);
            w.WritePropertyName("gaps");
            Strings(w, sections.Gaps);
            w.WritePropertyName("follow_ups");
            Strings(w, sections.FollowUps);
            w.WriteString("report", report);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static void Strings(Utf8JsonWriter w, IReadOnlyList<string> values)
    {
        w.WriteStartArray();
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }
}
