using System.Globalization;
using Baton.Core.Events;
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
    private readonly AutopilotContext _ctx;

    public Dispatcher(AutopilotContext context)
    {
        _ctx = context;
    }

    /// <summary>Ready tickets with the role and agent each would run with; tickets waiting out a retry delay are left out.</summary>
    public IReadOnlyList<DispatchCandidate> Candidates(DateTimeOffset now, TickReport report)
    {
        var roles = _ctx.Workers.RoleSetup().Roles.Catalog;
        var list = new List<DispatchCandidate>();
        foreach (var t in Ready())
        {
            if (t.RetryAt is { } at && at > now)
            {
                report.Waiting.Add((t.Id, $"retry at {at.ToLocalTime():HH:mm:ss}"));
                continue;
            }

            if (t.WorkerWanted is not null)
            {
                continue; // meant for a named worker: `baton ticket assign` or the inbox hands it over
            }

            var roleName = t.RoleWanted ?? _ctx.Config.DefaultRole;
            try
            {
                var role = roles.GetRole(roleName);
                list.Add(new DispatchCandidate(t, roleName, t.AgentWanted ?? role.Agent ?? _ctx.Workers.Config.DefaultAgent));
            }
            catch (BatonException e)
            {
                report.Waiting.Add((t.Id, e.Message));
            }
        }

        return list;
    }

    /// <summary>Ready tickets in dispatch order; with stack_dependents also those whose one unmerged dependency passed its gate.</summary>
    private IReadOnlyList<Ticket> Ready()
    {
        var ready = _ctx.Tickets.ReadyTickets(500);
        if (!_ctx.Config.StackDependents)
        {
            return ready;
        }

        var statuses = _ctx.Tickets.Statuses();
        var stackable = _ctx.Tickets.ListTickets(new TicketQuery(TicketStatus.Open)).Concat(_ctx.Tickets.ListTickets(new TicketQuery(TicketStatus.Queued)))
            .Where(t => TicketRules.StackParent(t, statuses) is not null);
        return TicketRules.DispatchOrder(ready.Concat(stackable).DistinctBy(t => t.Number));
    }

    public DispatchLimits Limits(int spawnTokens, IReadOnlyDictionary<string, string> held)
    {
        var catalog = _ctx.Workers.RoleSetup().Roles.Catalog;
        var roleCapacity = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var name in catalog.RoleNames())
        {
            if (catalog.GetRole(name).Capacity is { } cap)
            {
                roleCapacity[name] = cap;
            }
        }

        var agentMax = new Dictionary<string, int>(_ctx.Config.MaxInstances, StringComparer.Ordinal);
        foreach (var name in _ctx.Workers.Profiles.Names())
        {
            if (_ctx.Workers.Profiles.Get(name).MaxInstances is { } max)
            {
                agentMax[name] = agentMax.TryGetValue(name, out var configured) ? Math.Min(max, configured) : max;
            }
        }

        return new DispatchLimits
        {
            MaxWorkers = _ctx.Config.MaxWorkers,
            SpawnTokens = spawnTokens,
            RoleCapacity = roleCapacity,
            AgentMax = agentMax,
            AgentsHeld = held,
        };
    }

    /// <summary>
    /// Claims the ticket for a new worker (assignee, branch, worktree, attempt) in one write
    /// transaction that checks it is still ready and unassigned; null when it is not any more.
    /// </summary>
    public Ticket? Claim(DispatchCandidate candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var now = _ctx.Time.GetUtcNow();
        var target = Target(candidate.Ticket);
        try
        {
            return _ctx.Tickets.Mutate(candidate.Ticket.Number, current =>
            {
                var statuses = _ctx.Tickets.Statuses();
                var parent = TicketRules.IsReady(current, statuses) || !_ctx.Config.StackDependents ? null
                    : TicketRules.StackParent(current, statuses) is { } p ? _ctx.Tickets.GetTicket(p) : null;
                if (current.Assignee is not null || (!TicketRules.IsReady(current, statuses) && parent?.Branch is null) || current.RetryAt > now)
                {
                    throw new ClaimLost();
                }

                // Stacked: made from the parent's branch, merging where the parent merges.
                var stackedOn = parent is not null ? parent.Number : current.StackedOn;
                var into = current.Target ?? parent?.Target ?? target;

                var attempt = current.Attempts + 1;
                var worker = WorkerNameFor(current, attempt);
                var branch = current.Branch ?? BranchName.For(_ctx.Config.BranchPattern, current, now);
                var worktree = current.Worktree ?? Path.Combine(_ctx.WorktreesDir, $"{current.Id}-{BranchName.Slug(current.Title)}");
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
                    Event(next, EventTypes.TaskDispatched, $"{current.Id} dispatched to {worker} ({candidate.Role}, {candidate.Agent}) on {branch}" + (parent is null ? "" : $", stacked on {parent.Id}'s {parent.Branch}") + $", attempt {attempt}", now, worker, new Dictionary<string, string>
                    {
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
    /// <paramref name="context"/>, so it can run on another thread with a store connection of its own.
    /// </summary>
    public static async Task<Worker> LaunchAsync(AutopilotContext context, Ticket claimed, DispatchCandidate candidate, string? prefix, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(claimed);
        ArgumentNullException.ThrowIfNull(candidate);
        Directory.CreateDirectory(context.WorktreesDir);
        context.Git.AddWorktree(context.Root, claimed.Worktree!, claimed.Branch!, StartPoint(context, claimed));
        return await new WorkerSpawner(context.Workers).SpawnAsync(new SpawnRequest
        {
            Name = claimed.Assignee,
            Agent = candidate.Agent,
            Role = candidate.Role,
            Directory = claimed.Worktree!,
            Prompt = new Dispatcher(context).Prompt(claimed, prefix),
            Headless = context.Config.Headless,
            Ticket = claimed.Number,
        }, ct).ConfigureAwait(false);
    }

    /// <summary>Where a new branch starts: a stacked ticket's unmerged parent's branch, else its target.</summary>
    public static string StartPoint(AutopilotContext context, Ticket ticket)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(ticket);
        return ticket.StackedOn is { } p && context.Tickets.GetTicket(p) is { Status: not TicketStatus.Done, Branch: { } parentBranch }
            && context.Git.Resolve(context.Root, "refs/heads/" + parentBranch) is not null
            ? parentBranch
            : ticket.Target!;
    }

    /// <summary>The ticket's prompt from the template, with a word about earlier attempts and anything else to say first.</summary>
    public string Prompt(Ticket ticket, string? prefix)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var deps = ticket.DependsOn.Select(d => _ctx.Tickets.GetTicket(d)).OfType<Ticket>().ToDictionary(t => t.Number);
        var file = Path.Combine(_ctx.Paths.BatonDir, "templates", "ticket.md");
        var template = File.Exists(file) ? File.ReadAllText(file) : TicketTemplate.BuiltIn();
        var text = TicketTemplate.Render(template, ticket, deps);
        if (ticket.Attempts > 1)
        {
            text = $"(Attempt {ticket.Attempts}: an earlier agent worked on this branch; its commits are there, see git log.)\n" + text;
        }

        return prefix is null ? text : prefix.TrimEnd() + "\n\n" + text;
    }

    /// <summary>The feature's integration branch when it has one, else the configured base branch, else the branch checked out at the root.</summary>
    public string Target(Ticket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        if (ticket.Feature is { } feature && _ctx.Git.Resolve(_ctx.Root, $"refs/heads/feature/{feature}/overseer") is not null)
        {
            return $"feature/{feature}/overseer";
        }

        return _ctx.Config.BaseBranch
            ?? _ctx.Git.CurrentBranch(_ctx.Root)
            ?? throw new BatonException($"the repository at {_ctx.Root} has no branch checked out (detached HEAD): set autopilot.base_branch in .baton/config.yaml");
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
