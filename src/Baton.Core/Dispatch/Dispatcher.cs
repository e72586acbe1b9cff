using System.Globalization;
using Baton.Core.Agents;
using Baton.Core.Config;
using Baton.Core.Events;
using Baton.Core.Files;
using Baton.Core.Git;
using Baton.Core.Roles;
using Baton.Core.Storage;
using Baton.Core.Tickets;
using Baton.Core.Workers;

namespace Baton.Core.Dispatch;

/// <summary>
/// Starts ready tickets: each is claimed (assignee, branch, worktree, attempt) in one write
/// transaction that re-checks it is still ready and unassigned, so two loops, or a loop restarted
/// after a crash, can never start it twice; then its worktree is made and its agent spawned with
/// the ticket's prompt (the autopilot does that part in the background, and sends a spawn that
/// fails through the retry policy like a crash).
/// </summary>
public sealed class Dispatcher
{
    private readonly AutopilotConfig _config;
    private readonly string _defaultAgent;
    private readonly TimeProvider _time;
    private readonly ITicketStore _tickets;
    private readonly IGitBranches _branches;
    private readonly Func<IRoleCatalog> _roles;
    private readonly IAgentProfiles _profiles;
    private readonly BatonPaths _paths;
    private readonly IFiles _files;

    /// <param name="defaultAgent">The profile of a role that names none (<c>agents.default</c>).</param>
    public Dispatcher(AutopilotConfig config, string defaultAgent, TimeProvider time, ITicketStore tickets, IGitBranches branches, Func<IRoleCatalog> roles, IAgentProfiles profiles, BatonPaths paths, IFiles files)
    {
        _config = config;
        _defaultAgent = defaultAgent;
        _time = time;
        _tickets = tickets;
        _branches = branches;
        _roles = roles;
        _profiles = profiles;
        _paths = paths;
        _files = files;
    }

    /// <summary>The stored worker of a name (tickets from the inbox may name one), or null.</summary>
    public Func<string, Workers.Worker?>? WorkerNamed { get; init; }

    /// <summary>
    /// Whether a ticket's recorded worktree is this repository's (a node's clone: another node's
    /// worktree is in its own clone, so a claim here makes one of its own); null: every one is.
    /// </summary>
    public Func<string, bool>? LocalWorktree { get; init; }

    /// <summary>
    /// On a node: asked inside the claim's transaction for a profile with a fleet-wide limit
    /// (max_instances, max_tasks) whether other nodes started no more of it since the tick counted
    /// them; false loses the claim to the next tick, so two nodes deciding at once never both pass a limit.
    /// </summary>
    public Func<string, bool>? FleetRoom { get; set; }

    /// <summary>
    /// Runs before a claimed ticket's worktree is made, with its unmerged stack parent's branch
    /// (<see cref="StackParentBranch"/>) or null (a node's clone: the target, that branch and the
    /// ticket's own brought up to the shared remote's); null: nothing.
    /// </summary>
    public Action<Ticket, string?>? BeforeWorktree { get; init; }

    private string WorktreesDir => _paths.WorktreesDir;

    /// <summary>Ready tickets with the role and agent each would run with; tickets waiting out a retry delay are left out.</summary>
    public IReadOnlyList<DispatchCandidate> Candidates(DateTimeOffset now, TickReport report)
    {
        var roles = _roles();
        var list = new List<DispatchCandidate>();
        var ready = Ready();
        var shared = SharedBranchHolders(ready);
        foreach (var t in ready)
        {
            if (t.RetryAt is { } at && at > now)
            {
                report.Waiting.Add((t.Id, $"retry at {at.ToLocalTime():HH:mm:ss}"));
                continue;
            }

            if (t.Branch is { } branch && shared.TryGetValue(branch, out var holder) && holder != t.Number)
            {
                // git checks a branch out in one worktree at a time: an implementor's tickets take turns.
                report.Waiting.Add((t.Id, $"{TicketId.Format(holder)} works on {branch} first"));
                continue;
            }

            if (t.WorkerWanted is { } named && WorkerNamed?.Invoke(named) is null)
            {
                // Nobody else will ever take it: say so instead of skipping it tick after tick.
                report.Stuck.Add((t.Id, $"it is meant for worker '{named}', which does not exist (`baton list --all` shows the workers): assign it with `baton ticket assign {t.Id} WORKER` or cancel it"));
                continue;
            }

            try
            {
                list.Add(CandidateFor(t, roles));
            }
            catch (BatonException e)
            {
                // An unknown role or agent does not appear by waiting: a person has to act.
                report.Stuck.Add((t.Id, e.Message));
            }
        }

        return list;
    }

    /// <summary>The role and agent the ticket runs with: its own wishes, else the default role and that role's agent.</summary>
    public DispatchCandidate CandidateFor(Ticket ticket, IRoleCatalog? roles = null)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        // A ticket meant for a named worker runs with that worker's role and agent profile.
        var named = ticket.WorkerWanted is { } w ? WorkerNamed?.Invoke(w) : null;
        // A ticket that names its role or worker runs with it; one that asks for a speciality runs with a specialist.
        if (ticket.RoleWanted is null && named is null && Specialities.Wanted(ticket) is { } speciality)
        {
            return Specialist(ticket, speciality, roles ?? _roles());
        }

        var name = ticket.RoleWanted ?? named?.Role ?? _config.DefaultRole;
        var role = (roles ?? _roles()).GetRole(name); // an unknown role is refused even when the agent is given
        var agent = ticket.AgentWanted ?? named?.Agent ?? role.Agent ?? _defaultAgent;
        _ = _profiles.Get(agent); // an unknown agent is refused here, not after a worktree was made
        return new DispatchCandidate(ticket, name, agent);
    }

    private DispatchCandidate Specialist(Ticket ticket, string speciality, IRoleCatalog catalog)
    {
        var roles = catalog.RoleNames().Select(catalog.GetRole).ToList();
        var profiles = _profiles.Names().Select(_profiles.Get).ToList();
        var pairs = Specialities.Pairs(speciality, ticket.AgentWanted, roles, profiles, catalog.GetRole(_config.DefaultRole), _defaultAgent);
        _ = _profiles.Get(pairs[0].Agent); // an unknown agent is refused here, not after a worktree was made
        return new DispatchCandidate(ticket, pairs[0].Role, pairs[0].Agent) { Alternatives = [.. pairs.Skip(1)] };
    }

    /// <summary>
    /// For each feature branch ready tickets share (an implementor's): the ticket that has it now,
    /// an unfinished one that started on it, else the first ready one in dispatch order.
    /// </summary>
    private Dictionary<string, long> SharedBranchHolders(IReadOnlyList<Ticket> ready)
    {
        var holders = new Dictionary<string, long>(StringComparer.Ordinal);
        var wanted = ready.Where(t => FeatureBranches.IsLongLived(t.Branch)).ToList();
        if (wanted.Count == 0)
        {
            return holders;
        }

        foreach (var feature in wanted.Select(t => t.Feature).Distinct())
        {
            foreach (var t in _tickets.ListTickets(new TicketQuery(Feature: feature)).Where(t => t.Branch is not null && !t.Status.IsFinished() && t.Worktree is not null).OrderBy(t => t.Number))
            {
                holders.TryAdd(t.Branch!, t.Number);
            }
        }

        foreach (var t in wanted)
        {
            holders.TryAdd(t.Branch!, t.Number);
        }

        return holders;
    }

    /// <summary>Ready tickets in dispatch order; with stack_dependents also those whose one unmerged dependency passed its gate.</summary>
    private IReadOnlyList<Ticket> Ready()
    {
        var ready = _tickets.ReadyTickets(500);
        if (!_config.StackDependents)
        {
            return ready;
        }

        var statuses = _tickets.Statuses();
        var stackable = _tickets.ListTickets(new TicketQuery(TicketStatus.Open)).Concat(_tickets.ListTickets(new TicketQuery(TicketStatus.Queued)))
            .Where(t => TicketRules.StackParent(t, statuses) is not null);
        return TicketRules.DispatchOrder(ready.Concat(stackable).DistinctBy(t => t.Number));
    }

    /// <summary>Whether the profile has a limit of its own (max_instances or max_tasks).</summary>
    private bool Limited(string agent) =>
        _config.MaxInstances.ContainsKey(agent) || (_profiles.Names().Contains(agent, StringComparer.Ordinal) && _profiles.Get(agent) is { MaxInstances: not null } or { MaxTasks: not null });

    public DispatchLimits Limits(int spawnTokens, IReadOnlyDictionary<string, string> held)
    {
        var catalog = _roles();
        var roleCapacity = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var name in catalog.RoleNames())
        {
            if (catalog.GetRole(name).Capacity is { } cap)
            {
                roleCapacity[name] = cap;
            }
        }

        var agentMax = new Dictionary<string, int>(_config.MaxInstances, StringComparer.Ordinal);
        var agentTasks = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var name in _profiles.Names())
        {
            var profile = _profiles.Get(name);
            if (profile.MaxInstances is { } max)
            {
                agentMax[name] = agentMax.TryGetValue(name, out var configured) ? Math.Min(max, configured) : max;
            }

            if (profile.MaxTasks is { } tasks)
            {
                agentTasks[name] = tasks;
            }
        }

        var roleTasks = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var name in catalog.RoleNames())
        {
            if (catalog.GetRole(name).MaxTasks is { } tasks)
            {
                roleTasks[name] = tasks;
            }
        }

        return new DispatchLimits
        {
            MaxWorkers = _config.MaxWorkers,
            SpawnTokens = spawnTokens,
            RoleCapacity = roleCapacity,
            AgentMax = agentMax,
            AgentsHeld = held,
            RoleMaxTasks = roleTasks,
            AgentMaxTasks = agentTasks,
        };
    }

    /// <summary>
    /// Claims the ticket for a new worker (assignee, branch, worktree, attempt) in one write
    /// transaction that checks it is still ready and unassigned; null when it is not any more.
    /// <paramref name="reuse"/>: a running agent that takes it (autopilot.reuse_agents), in its own folder.
    /// </summary>
    public Ticket? Claim(DispatchCandidate candidate, Workers.Worker? reuse = null)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var now = _time.GetUtcNow();
        var target = Target(candidate.Ticket);
        try
        {
            return _tickets.Mutate(candidate.Ticket.Number, current =>
            {
                // Readiness and the stack parent need the dependencies' statuses only (at 100,000
                // tickets every status is a 30 ms read inside the claim's transaction).
                var statuses = _tickets.Statuses(current.DependsOn);
                var parent = TicketRules.IsReady(current, statuses) || !_config.StackDependents ? null
                    : TicketRules.StackParent(current, statuses) is { } p ? _tickets.GetTicket(p) : null;
                if (current.Assignee is not null || (!TicketRules.IsReady(current, statuses) && parent?.Branch is null) || current.RetryAt > now
                    || (FleetRoom is { } room && Limited(candidate.Agent) && !room(candidate.Agent)))
                {
                    throw new ClaimLost();
                }

                // Stacked: made from the parent's branch, merging where the parent merges.
                var stackedOn = parent is not null ? parent.Number : current.StackedOn;
                var into = current.Target ?? parent?.Target ?? target;

                var attempt = current.Attempts + 1;
                var worker = reuse?.Name ?? WorkerNameFor(current, attempt);
                var branch = current.Branch ?? BranchName.For(_config.BranchPattern, current, now);
                var kept = current.Worktree is { } w && (LocalWorktree?.Invoke(w) ?? true) ? w : null;
                var worktree = kept ?? reuse?.Directory ?? Path.Combine(WorktreesDir, $"{current.Id}-{BranchName.Slug(current.Title)}");
                var next = current with
                {
                    Assignee = worker,
                    Status = TicketStatus.InProgress,
                    Branch = branch,
                    Worktree = worktree,
                    Target = into,
                    StackedOn = stackedOn,
                    Attempts = attempt,
                    StartedAt = now, // the time limit counts from this attempt
                    UpdatedAt = now,
                    RetryAt = null,
                    Nudges = 0,
                    NudgedAt = null,
                };
                return new TicketMutation(next,
                [
                    Event(next, EventTypes.TaskDispatched, $"{current.Id} dispatched to {worker} ({candidate.Role}, {candidate.Agent}) on {branch}" + (parent is null ? "" : $", stacked on {parent.Id}'s {parent.Branch}") + (reuse is null ? "" : ", reusing the running agent") + $", attempt {attempt}", now, worker, new Dictionary<string, string>
                    {
                        ["reused"] = reuse is null ? "false" : "true",
                        ["role"] = candidate.Role,
                        ["agent"] = candidate.Agent,
                        ["branch"] = branch,
                        ["worktree"] = worktree,
                        ["attempt"] = attempt.ToString(CultureInfo.InvariantCulture),
                    }),
                    Event(next, EventTypes.TaskStarted, $"{current.Id} started by {worker}", now, worker),
                ]);
            });
        }
        catch (ClaimLost)
        {
            return null;
        }
    }

    /// <summary>
    /// Makes the claimed ticket's worktree and starts its agent with the ticket's prompt. Uses only
    /// this dispatcher's ports and the ones given, so it can run on another thread with a store
    /// connection of its own.
    /// </summary>
    public async Task<Worker> LaunchAsync(IGitWorktrees worktrees, IAgentSpawner spawner, Ticket claimed, DispatchCandidate candidate, string? prefix, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(worktrees);
        ArgumentNullException.ThrowIfNull(spawner);
        ArgumentNullException.ThrowIfNull(claimed);
        ArgumentNullException.ThrowIfNull(candidate);
        Workspace.WorktreeFolder.Ensure(_files, _paths);
        PrepareBranches(claimed);
        worktrees.AddWorktree(_paths.Root, claimed.Worktree!, claimed.Branch!, StartPoint(_tickets, _branches, _paths.Root, claimed));
        return await spawner.SpawnAsync(new SpawnRequest
        {
            Name = claimed.Assignee,
            Agent = candidate.Agent,
            Role = candidate.Role,
            Directory = claimed.Worktree!,
            Prompt = Prompt(claimed, prefix),
            Headless = _config.Headless,
            Ticket = claimed.Number,
            Branch = claimed.Branch,
        }, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Before a claimed ticket's branch is checked out (a new worktree, or a reused agent's folder
    /// switched to it): <see cref="BeforeWorktree"/> with its stack parent's branch.
    /// </summary>
    public void PrepareBranches(Ticket claimed)
    {
        ArgumentNullException.ThrowIfNull(claimed);
        BeforeWorktree?.Invoke(claimed, StackParentBranch(_tickets, claimed));
    }

    /// <summary>Where a new branch starts: a stacked ticket's unmerged parent's branch, else its target.</summary>
    public static string StartPoint(ITicketStore tickets, IGitBranches branches, string root, Ticket ticket)
    {
        ArgumentNullException.ThrowIfNull(branches);
        return StackParentBranch(tickets, ticket) is { } parentBranch && branches.Resolve(root, "refs/heads/" + parentBranch) is not null
            ? parentBranch
            : ticket.Target!;
    }

    /// <summary>The branch of a stacked ticket's parent while the parent has not merged (the branch it starts from), or null.</summary>
    public static string? StackParentBranch(ITicketStore tickets, Ticket ticket)
    {
        ArgumentNullException.ThrowIfNull(tickets);
        ArgumentNullException.ThrowIfNull(ticket);
        return ticket.StackedOn is { } p && tickets.GetTicket(p) is { Status: not TicketStatus.Done, Branch: { } parentBranch } ? parentBranch : null;
    }

    /// <summary>The ticket's prompt from the template, with a word about earlier attempts and anything else to say first.</summary>
    public string Prompt(Ticket ticket, string? prefix)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var deps = ticket.DependsOn.Select(d => _tickets.GetTicket(d)).OfType<Ticket>().ToDictionary(t => t.Number);
        var file = Path.Combine(_paths.BatonDir, "templates", "ticket.md");
        var template = _files.FileExists(file) ? _files.ReadText(file) : TicketTemplate.BuiltIn();
        var text = TicketTemplate.Render(template, ticket, deps);
        if (ticket.Attempts > 1)
        {
            text = $"(Attempt {ticket.Attempts}: an earlier agent worked on this branch; its commits are there, see git log.)\n" + text;
        }

        return prefix is null ? text : prefix.TrimEnd() + "\n\n" + text;
    }

    /// <summary>
    /// A node's clone: a branch's commit on the shared remote (fetched), or null; a feature's
    /// integration branch another clone made and pushed is then a target here too. Null: this
    /// repository's branches only.
    /// </summary>
    public Func<string, string?>? RemoteHead { get; init; }

    /// <summary>The feature's integration branch when it has one, else the configured base branch, else the branch checked out at the root.</summary>
    public string Target(Ticket ticket) => Target(_config, _branches, _paths.Root, ticket, RemoteHead);

    /// <inheritdoc cref="Target(Ticket)"/>
    /// <param name="remoteHead">See <see cref="RemoteHead"/>; asked only when this clone lacks the feature's branch.</param>
    public static string Target(AutopilotConfig config, IGitBranches branches, string root, Ticket ticket, Func<string, string?>? remoteHead = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(branches);
        ArgumentNullException.ThrowIfNull(ticket);
        if (ticket.Feature is { } feature && (branches.Resolve(root, $"refs/heads/{FeatureBranches.Overseer(feature)}") is not null || remoteHead?.Invoke(FeatureBranches.Overseer(feature)) is not null))
        {
            return FeatureBranches.Overseer(feature);
        }

        return config.BaseBranch
            ?? branches.CurrentBranch(root)
            ?? throw new BatonException($"the repository at {root} has no branch checked out (detached HEAD): set autopilot.base_branch in .baton/config.yaml");
    }

    public static string WorkerNameFor(Ticket ticket, int attempt) =>
        $"t{ticket.Number.ToString(CultureInfo.InvariantCulture)}-{attempt.ToString(CultureInfo.InvariantCulture)}";

    internal static EventRecord Event(Ticket t, string type, string message, DateTimeOffset now, string? worker = null, IReadOnlyDictionary<string, string>? metadata = null) => new()
    {
        Time = now,
        Type = type,
        Ticket = t.Id,
        Feature = t.Feature,
        Worker = worker ?? t.Assignee,
        Message = message,
        Metadata = metadata,
    };

    private sealed class ClaimLost : Exception;
}
