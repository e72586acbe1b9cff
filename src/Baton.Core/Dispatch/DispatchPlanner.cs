using Baton.Core.Tickets;

namespace Baton.Core.Dispatch;

/// <summary>A ready ticket with the role and agent profile it would run with.</summary>
public sealed record DispatchCandidate(Ticket Ticket, string Role, string Agent)
{
    /// <summary>Other (role, agent) pairs it may run with when the first has no room (a ticket asking for a speciality several have).</summary>
    public IReadOnlyList<(string Role, string Agent)> Alternatives { get; init; } = [];
}

/// <summary>What holds dispatch back this tick: the limits and the live workers counted against them.</summary>
public sealed record DispatchLimits
{
    public required int MaxWorkers { get; init; }

    /// <summary>Spawns the rate limiter allows right now.</summary>
    public required int SpawnTokens { get; init; }

    /// <summary>Each role's <c>capacity</c>; a role not listed has none.</summary>
    public IReadOnlyDictionary<string, int> RoleCapacity { get; init; } = new Dictionary<string, int>();

    /// <summary>Each agent profile's <c>max_instances</c>; a profile not listed has none.</summary>
    public IReadOnlyDictionary<string, int> AgentMax { get; init; } = new Dictionary<string, int>();

    /// <summary>Profiles that take no new work now (usage limit reached, hourly token budget spent), with why.</summary>
    public IReadOnlyDictionary<string, string> AgentsHeld { get; init; } = new Dictionary<string, string>();

    /// <summary>Each role's <c>max_tasks</c>: tickets in progress at once with it.</summary>
    public IReadOnlyDictionary<string, int> RoleMaxTasks { get; init; } = new Dictionary<string, int>();

    /// <summary>Each agent profile's <c>max_tasks</c>: tickets in progress at once with it.</summary>
    public IReadOnlyDictionary<string, int> AgentMaxTasks { get; init; } = new Dictionary<string, int>();

    /// <summary>
    /// On a node: each profile's agents that other nodes run under their held leases. A profile's
    /// <c>max_instances</c> and <c>max_tasks</c> are the fleet's (one account's limit), so these count
    /// against them; the node's own capacity and the roles' limits count its own agents only. The
    /// key "" counts leases whose agent is not known yet: they count against every limited profile.
    /// </summary>
    public IReadOnlyDictionary<string, int> AgentsElsewhere { get; init; } = new Dictionary<string, int>();

    /// <summary>
    /// Budgets (<see cref="Budgets.BudgetWatch"/>): asked last, for a ticket every other limit lets
    /// through; null admits it and reserves its expected spend, otherwise it says why not. Null: no budgets.
    /// </summary>
    public Func<DispatchCandidate, string?>? Admit { get; init; }
}

/// <summary>The tickets to start now, and the ready ones that wait with the reason.</summary>
public sealed record DispatchPlan(IReadOnlyList<DispatchCandidate> Start, IReadOnlyList<(DispatchCandidate Candidate, string Reason)> Waiting);

/// <summary>
/// Decides which ready tickets start this tick. Pure: candidates come in dispatch order (priority,
/// then age) and each is started if every limit still has room; one held back by its role's or
/// agent's limit does not stop a later ticket that fits, so no capacity sits idle; a ticket with
/// alternatives (specialists) starts with the first pair that has room. <c>max_tasks</c> counts
/// the live workers that are on a ticket (<c>tasks</c>; by default every live one).
/// </summary>
public static class DispatchPlanner
{
    public static DispatchPlan Plan(IReadOnlyList<DispatchCandidate> ready, IReadOnlyList<(string? Role, string Agent)> live, DispatchLimits limits,
        IReadOnlyList<(string? Role, string Agent)>? tasks = null)
    {
        ArgumentNullException.ThrowIfNull(ready);
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(limits);
        tasks ??= live;
        var total = live.Count;
        var byRole = live.Where(l => l.Role is not null).GroupBy(l => l.Role!).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var byAgent = live.GroupBy(l => l.Agent).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var tasksByRole = tasks.Where(l => l.Role is not null).GroupBy(l => l.Role!).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var tasksByAgent = tasks.GroupBy(l => l.Agent).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        foreach (var agent in limits.AgentMax.Keys.Concat(limits.AgentMaxTasks.Keys).Distinct(StringComparer.Ordinal))
        {
            var n = Elsewhere(limits, agent); // every agent elsewhere is on a ticket: it holds a lease
            byAgent[agent] = Count(byAgent, agent) + n;
            tasksByAgent[agent] = Count(tasksByAgent, agent) + n;
        }

        var tokens = limits.SpawnTokens;
        var start = new List<DispatchCandidate>();
        var waiting = new List<(DispatchCandidate, string)>();
        foreach (var c in ready)
        {
            var reason = total >= limits.MaxWorkers ? $"all {limits.MaxWorkers} worker slots are taken (autopilot.max_workers)"
                : tokens <= 0 ? "spawn rate limit (autopilot.spawns_per_minute)"
                : null;
            var chosen = c;
            if (reason is null)
            {
                // The first pair with room; when none has, the first pair's reason is the one told.
                string? first = null;
                foreach (var (role, agent) in c.Alternatives.Prepend((c.Role, c.Agent)))
                {
                    var why = limits.AgentsHeld.TryGetValue(agent, out var held) ? held
                        : limits.RoleCapacity.TryGetValue(role, out var cap) && Count(byRole, role) >= cap ? $"role {role} is at its capacity of {cap}"
                        : limits.AgentMax.TryGetValue(agent, out var max) && Count(byAgent, agent) >= max ? $"agent {agent} is at its max_instances of {max}{Fleet(limits, agent)}"
                        : limits.RoleMaxTasks.TryGetValue(role, out var rt) && Count(tasksByRole, role) >= rt ? $"role {role} has its max_tasks of {rt} tickets in progress"
                        : limits.AgentMaxTasks.TryGetValue(agent, out var at) && Count(tasksByAgent, agent) >= at ? $"agent {agent} has its max_tasks of {at} tickets in progress{Fleet(limits, agent)}"
                        : limits.Admit?.Invoke(role == c.Role && agent == c.Agent ? c : c with { Role = role, Agent = agent }); // last: it reserves
                    if (why is null)
                    {
                        chosen = role == c.Role && agent == c.Agent ? c : c with { Role = role, Agent = agent };
                        first = null;
                        break;
                    }

                    first ??= why;
                }

                reason = first;
            }

            if (reason is not null)
            {
                waiting.Add((c, reason));
                continue;
            }

            start.Add(chosen);
            total++;
            tokens--;
            byRole[chosen.Role] = Count(byRole, chosen.Role) + 1;
            byAgent[chosen.Agent] = Count(byAgent, chosen.Agent) + 1;
            tasksByRole[chosen.Role] = Count(tasksByRole, chosen.Role) + 1;
            tasksByAgent[chosen.Agent] = Count(tasksByAgent, chosen.Agent) + 1;
        }

        return new DispatchPlan(start, waiting);
    }

    private static int Count(Dictionary<string, int> counts, string key) => counts.TryGetValue(key, out var n) ? n : 0;

    /// <summary>What other nodes run that counts against <paramref name="agent"/>'s limits (<see cref="DispatchLimits.AgentsElsewhere"/>).</summary>
    public static int Elsewhere(DispatchLimits limits, string agent)
    {
        ArgumentNullException.ThrowIfNull(limits);
        return Elsewhere(limits.AgentsElsewhere, agent);
    }

    /// <summary>Of <paramref name="elsewhere"/> (agents by profile, "" for not known yet), those that count against <paramref name="agent"/>.</summary>
    public static int Elsewhere(IReadOnlyDictionary<string, int> elsewhere, string agent)
    {
        ArgumentNullException.ThrowIfNull(elsewhere);
        ArgumentNullException.ThrowIfNull(agent);
        return (agent.Length > 0 && elsewhere.TryGetValue(agent, out var n) ? n : 0) + elsewhere.GetValueOrDefault("");
    }

    private static string Fleet(DispatchLimits limits, string agent) => Elsewhere(limits, agent) is > 0 and var n ? $" across the fleet ({n} on other nodes)" : "";
}
