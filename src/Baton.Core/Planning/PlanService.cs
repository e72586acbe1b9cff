using System.Globalization;
using Baton.Core.Config;
using Baton.Core.Events;
using Baton.Core.Files;
using Baton.Core.Security;
using Baton.Core.Storage;
using Baton.Core.Tickets;
using Baton.Core.Workers;

namespace Baton.Core.Planning;

/// <summary>
/// `baton plan`: asks a planning agent for a ticket graph, checks it (<see cref="PlanParser"/>,
/// <see cref="PlanValidator"/>), gives the agent one chance to repair what is wrong, and files the
/// valid graph's tickets with their dependencies in one transaction. Every plan ends in one event
/// (filed, checked, rejected or failed). The same service serves the CLI and the MCP `plan` tool.
/// </summary>
public sealed class PlanService
{
    public const string DefaultRole = "planner";
    public const int MaxRounds = 2;

    private readonly IAgentQuestions _agent;
    private readonly ITicketStore _tickets;
    private readonly IStore _store;
    private readonly IFiles _files;
    private readonly BatonPaths _paths;
    private readonly TimeProvider _time;
    private readonly Redactor _redactor;

    public PlanService(IAgentQuestions agent, ITicketStore tickets, IStore store, IFiles files, BatonPaths paths, TimeProvider time, Redactor redactor)
    {
        _agent = agent;
        _tickets = tickets;
        _store = store;
        _files = files;
        _paths = paths;
        _time = time;
        _redactor = redactor;
    }

    /// <summary>Which roles a plan may name; null: any name is taken.</summary>
    public Func<string, bool>? RoleExists { get; init; }

    public string SchemaFile => Path.Combine(_paths.BatonDir, "plan", "schema.json");

    /// <summary>Writes the published schema (<c>.baton/plan/schema.json</c>) when it is missing or out of date.</summary>
    public string PublishSchema()
    {
        var text = PlanSchema.Json + "\n";
        if (!_files.FileExists(SchemaFile) || _files.ReadText(SchemaFile) != text)
        {
            _files.WriteText(SchemaFile, text);
        }

        return SchemaFile;
    }

    public async Task<PlanOutcome> PlanAsync(PlanRequest request, IProgress<string>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var text = request.Request.Trim();
        if (text.Length == 0)
        {
            throw BatonException.Usage("the request is empty: say what to plan, e.g. baton plan \"Add reading goals: data model, API, UI\"");
        }

        // Mistakes the user can fix are refused before an agent is paid to plan.
        if (request.Feature is { } feature && _tickets.GetFeature(TicketService.ValidateFeatureName(feature)) is null)
        {
            throw BatonException.Usage($"unknown feature '{feature}': add it first with `baton feature add {feature} \"TITLE\"`");
        }

        var schema = PublishSchema();
        var rounds = new List<PlanRound>();
        PlanGraph? graph = null;
        IReadOnlyList<PlanError> errors = [];
        try
        {
            for (var round = 1; round <= MaxRounds; round++)
            {
                var prompt = round == 1 ? PlanPrompt.First(text, schema) : PlanPrompt.Repair(text, schema, rounds[^1].Json, errors);
                progress?.Report(round == 1 ? "asking the planning agent" : $"the plan has {Count(errors.Count, "error")}: asking the agent to repair it");
                var answer = await _agent.AskAsync(new AgentQuestion
                {
                    Prompt = prompt,
                    Directory = _paths.Root,
                    Role = request.Role,
                    Agent = request.Agent,
                    Purpose = round == 1 ? "planning" : "repairing the plan",
                    Timeout = request.Timeout,
                }, progress, ct).ConfigureAwait(false);
                (graph, errors, var json) = Check(answer);
                rounds.Add(new PlanRound(round, answer.Worker, answer.Agent, answer.ExitCode, json, errors));
                if (errors.Count == 0)
                {
                    break;
                }
            }
        }
        catch (BatonException e)
        {
            _store.AppendEvent(Event(EventTypes.PlanFailed, $"plan failed: {e.Message}", text, request, rounds, null));
            throw;
        }

        if (errors.Count > 0 || graph is null)
        {
            _store.AppendEvent(Event(EventTypes.PlanRejected,
                $"plan rejected after {Count(rounds.Count, "round")}: {Count(errors.Count, "error")} ({string.Join("; ", errors.Take(3))}{(errors.Count > 3 ? "; ..." : "")})",
                text, request, rounds, null));
            return new PlanOutcome { Valid = false, DryRun = request.DryRun, Graph = graph, Errors = errors, Rounds = rounds, SchemaFile = schema };
        }

        var layers = PlanLayers.Of(graph).Select(l => (IReadOnlyList<string>)l.Select(i => graph.Tickets[i].Key).ToList()).ToList();
        if (request.DryRun)
        {
            _store.AppendEvent(Event(EventTypes.PlanChecked, $"plan checked (dry run, nothing filed): {Count(graph.Tickets.Count, "ticket")} in {Count(layers.Count, "layer")}", text, request, rounds, null));
            return new PlanOutcome { Valid = true, DryRun = true, Graph = graph, Rounds = rounds, Layers = layers, SchemaFile = schema };
        }

        var filed = FileTickets(graph, request, text, rounds);
        return new PlanOutcome { Valid = true, DryRun = false, Graph = graph, Rounds = rounds, Filed = filed, Layers = layers, SchemaFile = schema };
    }

    private (PlanGraph? Graph, IReadOnlyList<PlanError> Errors, string? Json) Check(AgentAnswer answer)
    {
        var json = PlanAnswer.Extract(answer.Output);
        if (json is null)
        {
            var tail = string.Join(" | ", answer.Output.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).TakeLast(3));
            var why = answer.ExitCode is { } code and not 0 ? $"the agent exited with code {code} and printed no plan" : "no JSON object with \"tickets\" in the answer";
            return (null, [new PlanError(PlanErrorKinds.NoGraph, "$", why + (tail.Length == 0 ? "" : $" (it ended with: {Short(tail, 300)})"))], null);
        }

        var (graph, errors) = PlanParser.Parse(json);
        if (graph is null)
        {
            return (null, errors, json);
        }

        return (graph, errors.Concat(PlanValidator.Validate(graph, RoleExists, n => _tickets.GetTicket(n) is not null)).ToList(), json);
    }

    /// <summary>All the plan's tickets in one transaction, dependencies first, with the plan's event.</summary>
    private List<Ticket> FileTickets(PlanGraph graph, PlanRequest request, string text, IReadOnlyList<PlanRound> rounds)
    {
        var index = graph.Tickets.Select((t, i) => (t.Key, i)).ToDictionary(x => x.Key, x => x.i, StringComparer.Ordinal);
        var order = PlanLayers.Of(graph).SelectMany(l => l).ToList();
        var position = order.Select((ticket, at) => (ticket, at)).ToDictionary(x => x.ticket, x => x.at);
        var now = _time.GetUtcNow();
        var batch = order.Select(i =>
        {
            var t = graph.Tickets[i];
            var existing = t.DependsOn.Where(d => !index.ContainsKey(d.Trim())).Select(d => TicketId.Parse(d.Trim())).Distinct().ToList();
            var after = t.DependsOn.Where(d => index.ContainsKey(d.Trim())).Select(d => position[index[d.Trim()]]).Distinct().ToList();
            return new NewTicket(Draft(t, request.Feature, now) with { DependsOn = existing }, after);
        }).ToList();

        var created = _tickets.CreateTickets(batch,
            t => new EventRecord
            {
                Time = now,
                Type = EventTypes.TicketCreated,
                Ticket = t.Id,
                Feature = t.Feature,
                Message = $"{t.Id} created: {t.Title}",
                Metadata = new Dictionary<string, string>
                {
                    ["priority"] = t.Priority.ToText(),
                    ["labels"] = string.Join(",", t.Labels),
                    ["depends_on"] = string.Join(",", t.DependsOn.Select(TicketId.Format)),
                    ["source"] = t.Source,
                },
            },
            all => Event(EventTypes.PlanFiled,
                $"plan filed: {string.Join(", ", all.Select(t => t.Id))} ({Count(all.Count, "ticket")}{(request.Feature is null ? "" : " in " + request.Feature)})",
                text, request, rounds, order.Select((i, at) => (graph.Tickets[i].Key, all[at].Id)).ToList()));

        var filed = new Ticket[graph.Tickets.Count];
        for (var at = 0; at < order.Count; at++)
        {
            filed[order[at]] = created[at];
        }

        return [.. filed];
    }

    private Ticket Draft(PlannedTicket t, string? feature, DateTimeOffset now)
    {
        var labels = t.Labels.Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        if (t.Speciality is { } s && s.Trim().Length > 0)
        {
            labels.Add("speciality:" + s.Trim());
        }

        var body = t.Body.Trim();
        var checks = t.Acceptance.Select(a => a.Trim()).Where(a => a.Length > 0).Select(a => "- " + a.Replace("\n", "\n  ", StringComparison.Ordinal));
        body = (body.Length == 0 ? "" : body + "\n\n") + "## Acceptance\n" + string.Join("\n", checks) + "\n";
        return new Ticket
        {
            Number = 0,
            Title = _redactor.Redact(t.Title.Trim()),
            Body = _redactor.Redact(body),
            Status = TicketStatus.Open,
            Priority = t.Priority is null ? Priority.Medium : Priorities.Parse(t.Priority),
            Labels = labels.Distinct(StringComparer.Ordinal).ToList(),
            Feature = feature,
            RoleWanted = t.Role,
            Source = "plan",
            Paths = t.Paths.Select(p => p.Trim()).Where(p => p.Length > 0).Distinct(StringComparer.Ordinal).ToList(),
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    private EventRecord Event(string type, string message, string text, PlanRequest request, IReadOnlyList<PlanRound> rounds, IReadOnlyList<(string Key, string Id)>? filed)
    {
        var last = rounds.Count == 0 ? null : rounds[^1];
        var metadata = new Dictionary<string, string>
        {
            ["request"] = Short(_redactor.Redact(text), 500),
            ["rounds"] = rounds.Count.ToString(CultureInfo.InvariantCulture),
            ["workers"] = string.Join(",", rounds.Select(r => r.Worker)),
            ["agent"] = last?.Agent ?? request.Agent ?? "",
            ["errors"] = (last?.Errors.Count ?? 0).ToString(CultureInfo.InvariantCulture),
            ["first_errors"] = rounds.Count == 0 ? "0" : rounds[0].Errors.Count.ToString(CultureInfo.InvariantCulture),
            ["dry_run"] = request.DryRun ? "true" : "false",
        };
        if (last is { Errors.Count: > 0 })
        {
            metadata["error_list"] = Short(_redactor.Redact(string.Join("\n", last.Errors)), 4000);
        }

        if (filed is not null)
        {
            metadata["tickets"] = string.Join(",", filed.Select(f => $"{f.Key}={f.Id}"));
        }

        return new EventRecord { Time = _time.GetUtcNow(), Type = type, Feature = request.Feature, Message = _redactor.Redact(message), Metadata = metadata };
    }

    private static string Count(int n, string what) => n.ToString(CultureInfo.InvariantCulture) + " " + what + (n == 1 ? "" : "s");

    private static string Short(string text, int max) => text.Length <= max ? text : text[..max] + "…";
}
