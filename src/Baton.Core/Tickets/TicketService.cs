using System.Globalization;
using System.Text.RegularExpressions;
using Baton.Core.Config;
using Baton.Core.Events;
using Baton.Core.Files;
using Baton.Core.Security;
using Baton.Core.Storage;
using Baton.Core.Workers;

namespace Baton.Core.Tickets;

/// <summary>Creates tickets, moves them through their lifecycle, hands them to workers and reports when they finish.</summary>
public sealed partial class TicketService : ITicketResults
{
    private readonly ITicketStore _tickets;
    private readonly IStore _store;
    private readonly BatonPaths _paths;
    private readonly TimeProvider _time;
    private readonly Redactor _redactor;
    private readonly Func<WorkerService> _workers;
    private readonly IFiles _files;

    public TicketService(ITicketStore tickets, IStore store, BatonPaths paths, TimeProvider time, Redactor redactor, Func<WorkerService> workers, IFiles files)
    {
        _tickets = tickets;
        _store = store;
        _paths = paths;
        _time = time;
        _redactor = redactor;
        _workers = workers;
        _files = files;
    }

    /// <summary>When set, a ticket asking for a role that does not exist is refused at creation, not at dispatch.</summary>
    public Roles.IRoleCatalog? Roles { get; init; }

    /// <summary>When set, a ticket asking for an agent profile that does not exist is refused at creation.</summary>
    public Agents.IAgentProfiles? Profiles { get; init; }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,49}$")]
    private static partial Regex LabelPattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,79}$")]
    private static partial Regex FeaturePattern();

    /// <summary>The role an implementor's ticket runs with when it names none.</summary>
    public const string ImplementorRole = "implementor";

    public Ticket Create(CreateTicketRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var title = request.Title.Trim();
        if (title.Length == 0)
        {
            throw BatonException.Usage("the title is empty: say what the ticket is about, e.g. baton ticket create \"Add JWT auth\"");
        }

        if (title.AsSpan().IndexOfAny('\n', '\r') >= 0)
        {
            // It becomes the subject line of the ticket's merge commit and of its pull request.
            throw BatonException.Usage("the title has more than one line: keep it to one line (it becomes the merge commit's subject) and put the rest in --body");
        }

        if (request.TimeLimitMinutes is < 1 or > 10_080)
        {
            throw BatonException.Usage($"--time-limit must be between 1 and 10080 minutes, not {request.TimeLimitMinutes}");
        }

        if (request.Worker is not null)
        {
            WorkerName.Validate(request.Worker);
        }

        string? branch = null;
        var role = request.Role;
        if (request.Implementor is { } implementor)
        {
            var feature = request.Feature is null
                ? throw BatonException.Usage($"--implementor {implementor} needs --feature: an implementor works on one feature's branch feature/FEATURE/impl-{implementor}")
                : ValidateFeatureName(request.Feature);
            branch = FeatureBranches.Implementor(feature, FeatureBranches.ValidateImplementor(implementor));
            role ??= ImplementorRole;
        }

        CheckWanted(role, request.Agent);

        var now = _time.GetUtcNow();
        var draft = new Ticket
        {
            Number = 0,
            Title = _redactor.Redact(title),
            Body = _redactor.Redact(request.Body),
            Status = TicketStatus.Open,
            Priority = request.Priority is null ? Priority.Medium : Priorities.Parse(request.Priority),
            Labels = Labels(request.Labels),
            Feature = request.Feature is null ? null : ValidateFeatureName(request.Feature),
            DependsOn = request.DependsOn.Select(TicketId.Parse).ToList(),
            RoleWanted = role,
            AgentWanted = request.Agent,
            WorkerWanted = request.Worker,
            Branch = branch,
            TimeLimitMinutes = request.TimeLimitMinutes,
            Source = request.Source,
            ExternalId = request.ExternalId,
            Paths = PathGlobs(request.Paths),
            CreatedAt = now,
            UpdatedAt = now,
        };
        return _tickets.CreateTicket(draft, t => Event(t, EventTypes.TicketCreated, $"{t.Id} created: {t.Title}", now, new Dictionary<string, string>
        {
            ["priority"] = t.Priority.ToText(),
            ["labels"] = string.Join(",", t.Labels),
            ["depends_on"] = string.Join(",", t.DependsOn.Select(TicketId.Format)),
            ["source"] = t.Source,
        }));
    }

    public TicketView Show(string id)
    {
        var number = TicketId.Parse(id);
        var ticket = _tickets.GetTicket(number) ?? throw Unknown(number);
        return View(ticket, _tickets.Statuses(ticket.DependsOn));
    }

    public IReadOnlyList<TicketView> List(TicketQuery query, bool readyOnly, int limit = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Feature is not null)
        {
            ValidateFeatureName(query.Feature);
        }

        var dependents = _tickets.AllDependents();
        if (readyOnly)
        {
            // The store filters and orders ready tickets itself (priority, then age), with an index;
            // ready means every dependency is done, so none blocks and no status needs reading.
            return _tickets.ReadyTickets(limit, query)
                .Select(t => new TicketView(t, true, [], dependents.TryGetValue(t.Number, out var d) ? d : []))
                .ToList();
        }

        var statuses = _tickets.Statuses();
        return _tickets.ListTickets(query with { Limit = limit }).Select(t => View(t, statuses, dependents)).ToList();
    }

    /// <summary>Changes status (checked), note, priority, labels or dependencies, with the events that say so.</summary>
    public Ticket Update(string id, UpdateTicketRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var number = TicketId.Parse(id);
        var status = request.Status is null ? (TicketStatus?)null : TicketStatuses.Parse(request.Status);
        var priority = request.Priority is null ? (Priority?)null : Priorities.Parse(request.Priority);
        var labels = Labels(request.AddLabels);
        var deps = request.DependsOn.Select(TicketId.Parse).ToList();
        var dropLabels = Labels(request.RemoveLabels);
        var dropDeps = request.RemoveDependsOn.SelectMany(d => d.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Select(TicketId.Parse).Distinct().ToList();
        if (status is null && request.Note is null && priority is null && labels.Count == 0 && deps.Count == 0 && request.Summary is null && request.Artifacts.Count == 0
            && request.Branch is null && request.Paths is null && dropLabels.Count == 0 && dropDeps.Count == 0)
        {
            throw BatonException.Usage("nothing to update: give --status, --note, --priority, --label, --remove-label, --depends-on, --remove-dependency, --branch or --paths");
        }

        if (request.Branch is { } b)
        {
            Git.GitRefName.ValidateBranch(b);
        }

        var paths = request.Paths is null ? null : PathGlobs(request.Paths);
        CheckBlocker(request.Blocker, status);

        // A worker that worked on this ticket but is no longer its agent (an earlier attempt, a
        // predecessor of a handoff) reports nothing: its successor's work would be judged by it.
        // Other workers (the prophet closing a ticket) are not attempts and are not refused here.
        var reporter = request.FromAgent && request.Worker is { } name ? _store.GetWorker(name) : null;

        var now = _time.GetUtcNow();
        var updated = _tickets.Mutate(number, current =>
        {
            // Nobody assigned counts too: the ticket went back to the queue (its lease expired, a
            // retry), and a report from the attempt that lost it would complete it twice.
            if (reporter is { Ticket: { } worked } && worked == current.Number && current.Assignee != reporter.Name)
            {
                var who = current.Assignee is { } assignee ? $"{assignee} is, since a retry or a handoff" : "it went back to the queue";
                throw new BatonException($"{reporter.Name} is no longer {current.Id}'s agent ({who}): its report is ignored; stop working on {current.Id}");
            }

            var next = current with { UpdatedAt = now };
            var events = new List<EventRecord>();
            var changes = new List<string>();
            // A ticket the autopilot started (it has a branch) is not done when its agent says so:
            // the gate runs first, and the merge queue makes it done.
            // Once reported, a second report changes nothing: the gate or the merge queue is at it.
            var gated = request.FromAgent && status == TicketStatus.Done && current.Branch is not null && current.Status == TicketStatus.InProgress;
            var reported = request.FromAgent && status == TicketStatus.Done && current.Branch is not null && current.Status is TicketStatus.Testing or TicketStatus.Review;
            if ((gated ? TicketStatus.Testing : reported ? current.Status : status) is { } to && to != current.Status)
            {
                if (to == TicketStatus.Done && !request.FromAgent && !request.Force)
                {
                    RefuseUnsafeDone(current);
                }

                TicketRules.EnsureTransition(current, to);
                next = next with
                {
                    Status = to,
                    StartedAt = to == TicketStatus.InProgress ? current.StartedAt ?? now : current.StartedAt,
                    FinishedAt = to.IsFinished() ? now : null,
                    Assignee = to is TicketStatus.Open or TicketStatus.Queued ? null : current.Assignee,
                };
                if (to is TicketStatus.Open or TicketStatus.Queued && current.Status.IsFinished())
                {
                    // Reopened: a fresh start, not the tail of the attempts that ended it.
                    next = next with { Attempts = 0, GateFailures = 0, Nudges = 0, NudgedAt = null, RetryAt = null, StartedAt = null };
                }
                changes.Add($"status {current.Status.ToText()} -> {to.ToText()}");
                var lifecycle = to switch
                {
                    TicketStatus.InProgress => EventTypes.TaskStarted,
                    TicketStatus.Blocked => EventTypes.TaskBlocked,
                    TicketStatus.Done => EventTypes.TaskCompleted,
                    TicketStatus.Testing when gated => EventTypes.TaskReportedDone,
                    TicketStatus.Failed => EventTypes.TaskFailed,
                    _ => null,
                };
                if (lifecycle is not null)
                {
                    events.Add(Event(next, lifecycle, $"{current.Id} {to.ToText()}" + (request.Note is null ? "" : ": " + _redactor.Redact(request.Note)), now));
                }
            }

            if (priority is { } p && p != current.Priority)
            {
                next = next with { Priority = p };
                changes.Add($"priority {p.ToText()}");
            }

            var newLabels = labels.Except(current.Labels, StringComparer.Ordinal).ToList();
            if (newLabels.Count > 0)
            {
                next = next with { Labels = current.Labels.Concat(newLabels).ToList() };
                changes.Add("labels +" + string.Join(",", newLabels));
            }

            var goneLabels = dropLabels.Intersect(next.Labels, StringComparer.Ordinal).ToList();
            if (goneLabels.Count > 0)
            {
                next = next with { Labels = next.Labels.Except(goneLabels, StringComparer.Ordinal).ToList() };
                changes.Add("labels -" + string.Join(",", goneLabels));
            }

            if (dropDeps.FirstOrDefault(d => !current.DependsOn.Contains(d)) is var notThere and > 0)
            {
                throw BatonException.Usage($"{current.Id} does not depend on {TicketId.Format(notThere)}; it depends on: {(current.DependsOn.Count == 0 ? "nothing" : string.Join(", ", current.DependsOn.Select(TicketId.Format)))}");
            }

            if (dropDeps.Count > 0)
            {
                changes.Add("depends on -" + string.Join(",", dropDeps.Select(TicketId.Format)));
            }

            if (request.Summary is not null)
            {
                next = next with { Summary = _redactor.Redact(request.Summary) };
            }

            if (request.Branch is { } branch && branch != current.Branch)
            {
                next = next with { Branch = branch };
                changes.Add("branch " + branch);
            }

            if (paths is not null && !paths.SequenceEqual(current.Paths, StringComparer.Ordinal))
            {
                next = next with { Paths = paths };
                changes.Add("paths " + string.Join(",", paths));
            }

            if (request.Artifacts.Count > 0)
            {
                next = next with { Artifacts = current.Artifacts.Concat(request.Artifacts).Distinct(StringComparer.Ordinal).ToList() };
            }

            if (deps.Count > 0)
            {
                changes.Add("depends on +" + string.Join(",", deps.Select(TicketId.Format)));
            }

            if (request.Note is not null)
            {
                next = next with { Note = _redactor.Redact(request.Note) };
                events.Add(Event(next, EventTypes.StatusUpdate, _redactor.Redact(request.Note), now));
            }

            events.Insert(0, Event(next, EventTypes.TicketUpdated, $"{current.Id}: " + (changes.Count == 0 ? "note" : string.Join("; ", changes)), now));
            return new TicketMutation(next, events, deps) { RemovedDependencies = dropDeps, Blocker = BlockerOf(current, next, request.Blocker) };
        });

        if (updated.Status.IsFinished())
        {
            WriteResult(updated);
        }

        return updated;
    }

    private static void CheckBlocker(string? kind, TicketStatus? status)
    {
        if (kind is null)
        {
            return;
        }

        if (!Blocker.Kinds.Contains(kind))
        {
            throw BatonException.Usage($"--blocker '{kind}' is not one of {string.Join(", ", Blocker.Kinds)}");
        }

        if (status != TicketStatus.Blocked)
        {
            throw BatonException.Usage("--blocker says why a ticket is blocked: give it with --status blocked");
        }
    }

    /// <summary>The blocker a move to blocked opens: the kind given, else inferred (unfinished dependencies, a conflict on its branch, else technical).</summary>
    private BlockerReason? BlockerOf(Ticket was, Ticket next, string? kind)
    {
        if (next.Status != TicketStatus.Blocked || was.Status == TicketStatus.Blocked)
        {
            return null;
        }

        var inConflict = next.Branch is { } b && _tickets.ActiveConflicts().Any(c => c.BranchA == b || c.BranchB == b);
        return new BlockerReason(kind ?? Blocker.Infer(next, d => _tickets.GetTicket(d)?.Status, inConflict), next.Note ?? "no reason given");
    }

    /// <summary>What an agent runs when it finishes: status done, with its summary and artifacts.</summary>
    public Ticket Done(string id, string? summary, IReadOnlyList<string> artifacts, bool fromAgent = false, string? worker = null) =>
        Update(id, new UpdateTicketRequest { Status = "done", Summary = summary ?? "", Artifacts = artifacts, FromAgent = fromAgent, Worker = worker });

    /// <summary>
    /// Gives a ready, unassigned ticket to a live worker and types the ticket to it. The checks and
    /// the assignment happen in one transaction, so two assigners can never both take a ticket.
    /// </summary>
    public async Task<(Ticket Ticket, TypingOutcome Outcome)> AssignAsync(string id, string worker, CancellationToken ct)
    {
        var number = TicketId.Parse(id);
        WorkerName.Validate(worker);
        if (_store.GetWorker(worker) is null)
        {
            throw new BatonException($"unknown worker '{worker}': `baton list` shows the workers, `baton spawn` starts one");
        }

        var workers = _workers();
        workers.EnsureReachable(worker);

        // Checked before the assignment is recorded: a bad template must not leave the ticket taken.
        var templateFile = Path.Combine(_paths.BatonDir, "templates", "ticket.md");
        var template = _files.FileExists(templateFile) ? _files.ReadText(templateFile) : TicketTemplate.BuiltIn();
        TicketTemplate.Check(template, templateFile);

        var now = _time.GetUtcNow();
        var assigned = _tickets.Mutate(number, current =>
        {
            if (current.Assignee is not null)
            {
                throw new BatonException($"{current.Id} is already assigned to {current.Assignee}");
            }

            var statuses = _tickets.Statuses(current.DependsOn);
            if (!TicketRules.IsReady(current, statuses))
            {
                var blockers = TicketRules.BlockedBy(current, statuses);
                var why = current.Status is not (TicketStatus.Open or TicketStatus.Queued)
                    ? $"it is {current.Status.ToText()}"
                    : blockers.Count > 0
                        ? "it is blocked by " + string.Join(", ", blockers.Select(TicketId.Format))
                        : "it waits for " + string.Join(", ", current.DependsOn.Where(d => !statuses.TryGetValue(d, out var s) || s != TicketStatus.Done).Select(TicketId.Format));
                throw new BatonException($"{current.Id} is not ready: {why}");
            }

            var next = current with
            {
                Assignee = worker,
                Status = TicketStatus.InProgress,
                StartedAt = now,
                UpdatedAt = now,
                Attempts = current.Attempts + 1,
            };
            return new TicketMutation(next,
            [
                Event(next, EventTypes.TicketUpdated, $"{current.Id}: assigned to {worker}; status {current.Status.ToText()} -> in-progress", now),
                Event(next, EventTypes.TaskStarted, $"{current.Id} started by {worker}", now),
            ]);
        });

        var deps = assigned.DependsOn.Select(d => _tickets.GetTicket(d)).OfType<Ticket>().ToDictionary(t => t.Number);
        try
        {
            var outcome = await workers.SendAsync(worker, TicketTemplate.Render(template, assigned, deps), ct).ConfigureAwait(false);
            return (assigned, outcome);
        }
        catch (BatonException e)
        {
            // The ticket never reached the agent: give it back, so it can go to another worker.
            var back = _time.GetUtcNow();
            _tickets.Mutate(number, t => new TicketMutation(
                t with { Assignee = null, Status = TicketStatus.Open, StartedAt = null, UpdatedAt = back },
                [Event(t, EventTypes.TicketUpdated, $"{t.Id}: assignment to {worker} undone: {e.Message}", back)]));
            throw;
        }
    }

    public Ticket? FindByExternalId(string externalId) => _tickets.GetTicketByExternalId(externalId);

    public Feature AddFeature(string name, string title, string description)
    {
        var feature = ValidateFeatureName(name);
        if (string.IsNullOrWhiteSpace(title))
        {
            throw BatonException.Usage("the feature title is empty: baton feature add NAME \"TITLE\"");
        }

        var now = _time.GetUtcNow();
        return _tickets.AddFeature(new Feature(feature, title.Trim(), description, now),
            new EventRecord { Time = now, Type = EventTypes.FeatureAdded, Feature = feature, Message = $"feature {feature} added: {title.Trim()}" });
    }

    private TicketView View(Ticket t, IReadOnlyDictionary<long, TicketStatus> statuses) =>
        new(t, TicketRules.IsReady(t, statuses), TicketRules.BlockedBy(t, statuses), _tickets.Dependents(t.Number));

    private static TicketView View(Ticket t, IReadOnlyDictionary<long, TicketStatus> statuses, IReadOnlyDictionary<long, IReadOnlyList<long>> dependents) =>
        new(t, TicketRules.IsReady(t, statuses), TicketRules.BlockedBy(t, statuses), dependents.TryGetValue(t.Number, out var d) ? d : []);

    private static bool Matches(Ticket t, TicketQuery q) =>
        (q.Status is null || t.Status == q.Status)
        && (q.Feature is null || t.Feature == q.Feature)
        && (q.Assignee is null || t.Assignee == q.Assignee)
        && (q.Label is null || t.Labels.Contains(q.Label, StringComparer.Ordinal));

    /// <summary>Writes <c>.baton/results/ID.json</c> for scripts that watch files instead of calling the CLI.</summary>
    public void WriteResult(Ticket t)
    {
        var dir = Path.Combine(_paths.BatonDir, "results");
        var id = t.ExternalId ?? t.Id;
        var seconds = t.StartedAt is { } s && t.FinishedAt is { } f ? (f - s).TotalSeconds : (double?)null;
        var json = TicketResultJson.Write(id, t, seconds);
        var file = Path.Combine(dir, SafeFileName(id) + ".json");
        _files.WriteText(file, json); // atomically: readers never see half a file
    }

    private static string SafeFileName(string id) => string.Concat(id.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));

    /// <summary>Declared paths: globs relative to the repository root, checked so a typo fails now, not at dispatch.</summary>
    private static List<string> PathGlobs(IEnumerable<string> globs)
    {
        var list = new List<string>();
        foreach (var glob in globs.SelectMany(g => g.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (glob.StartsWith('/') || glob.Split('/').Contains(".."))
            {
                throw BatonException.Usage($"invalid path '{glob}' in --paths: give globs relative to the repository root, such as src/api/** or docs/*.md");
            }

            list.Add(glob);
        }

        return list.Distinct(StringComparer.Ordinal).ToList();
    }

    private static List<string> Labels(IEnumerable<string> labels)
    {
        var list = new List<string>();
        foreach (var raw in labels.SelectMany(l => l.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (!LabelPattern().IsMatch(raw))
            {
                throw BatonException.Usage($"invalid label '{raw}': use letters, digits and - _ . : / (at most 50)");
            }

            if (!list.Contains(raw, StringComparer.Ordinal))
            {
                list.Add(raw);
            }
        }

        return list;
    }

    public static string ValidateFeatureName(string name) =>
        FeaturePattern().IsMatch(name)
            ? name
            : throw BatonException.Usage($"invalid feature name '{name}': use lowercase letters, digits, '.', '_' or '-' (e.g. 003-reading-goals)");

    private static BatonException Unknown(long number) =>
        BatonException.Usage($"unknown ticket {TicketId.Format(number)}: `baton ticket list` shows the tickets");

    private static EventRecord Event(Ticket t, string type, string message, DateTimeOffset now, IReadOnlyDictionary<string, string>? metadata = null) => new()
    {
        Time = now,
        Type = type,
        Ticket = t.Id,
        Feature = t.Feature,
        Worker = t.Assignee,
        Message = message,
        Metadata = metadata,
    };

    internal static string Invariant(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    // A name that does not exist would only fail when the autopilot dispatches it, retries and all.
    private void CheckWanted(string? role, string? agent)
    {
        try
        {
            if (role is not null)
            {
                _ = Roles?.GetRole(role);
            }
        }
        catch (BatonException e)
        {
            throw BatonException.Usage(e.Message);
        }

        try
        {
            if (agent is not null)
            {
                _ = Profiles?.Get(agent);
            }
        }
        catch (BatonException e)
        {
            throw BatonException.Usage(e.Message);
        }
    }

    /// <summary>
    /// A person's "done" that would skip what protects the work needs --force: the autopilot's
    /// gate and merge (its branch and uncommitted work would be left behind), or unfinished dependencies.
    /// </summary>
    private void RefuseUnsafeDone(Ticket current)
    {
        if (current.Status is TicketStatus.InProgress or TicketStatus.Testing && current.Assignee is not null && current.Worktree is not null)
        {
            throw BatonException.Usage(
                $"{current.Id} is being worked on by the autopilot ({current.Assignee}, branch {current.Branch ?? "-"}): marking it done skips its gate and merge, "
                + $"and its branch and any uncommitted work in {current.Worktree} would be left behind. Run `baton ticket done {current.Id} --force` to do it anyway "
                + "(uncommitted work is saved first as refs/baton/wip/...), or let the autopilot finish it");
        }

        if (current.Status is TicketStatus.Open or TicketStatus.Queued)
        {
            var unfinished = current.DependsOn.Where(d => _tickets.GetTicket(d) is not { Status: TicketStatus.Done }).Select(TicketId.Format).ToList();
            if (unfinished.Count > 0)
            {
                throw BatonException.Usage($"{current.Id} depends on {string.Join(", ", unfinished)}, not done yet: run with --force to mark it done anyway");
            }
        }
    }
}
