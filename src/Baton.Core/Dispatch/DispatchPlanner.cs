using Baton.Core.Tickets;

namespace Baton.Core.Dispatch;

/// <summary>A ready ticket with the role and agent profile it would run with.</summary>
public sealed record DispatchCandidate(Ticket Ticket, string Role, string Agent);

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
}

/// <summary>The tickets to start now, and the ready ones that wait with the reason.</summary>
public sealed record DispatchPlan(IReadOnlyList<DispatchCandidate> Start, IReadOnlyList<(DispatchCandidate Candidate, string Reason)> Waiting);

/// <summary>
/// Decides which ready tickets start this tick. Pure: candidates come in dispatch order (priority,
/// then age) and each is started if every limit still has room; one held back by its role's or
/// agent's limit does not stop a later ticket that fits, so no capacity sits idle.
/// </summary>
public static class DispatchPlanner
{
    public static DispatchPlan Plan(IReadOnlyList<DispatchCandidate> ready, IReadOnlyList<(string? Role, string Agent)> live, DispatchLimits limits)
    {
        ArgumentNullException.ThrowIfNull(ready);
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(limits);
        var total = live.Count;
        var byRole = live.Where(l => l.Role is not null).GroupBy(l => l.Role!).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var byAgent = live.GroupBy(l => l.Agent).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var tokens = limits.SpawnTokens;
        var start = new List<DispatchCandidate>();
        var waiting = new List<(DispatchCandidate, string)>();
        foreach (var c in ready)
        {
            var reason = total >= limits.MaxWorkers ? $"all {limits.MaxWorkers} worker slots are taken (autopilot.max_workers)"
                : tokens <= 0 ? "spawn rate limit (autopilot.spawns_per_minute)"
                : limits.AgentsHeld.TryGetValue(c.Agent, out var held) ? held
                : limits.RoleCapacity.TryGetValue(c.Role, out var cap) && Count(byRole, c.Role) >= cap ? $"role {c.Role} is at its capacity of {cap}"
                : limits.AgentMax.TryGetValue(c.Agent, out var max) && Count(byAgent, c.Agent) >= max ? $"agent {c.Agent} is at its max_instances of {max}"
                : null;
            if (reason is not null)
            {
                waiting.Add((c, reason));
                continue;
            }

            start.Add(c);
            total++;
            tokens--;
            byRole[c.Role] = Count(byRole, c.Role) + 1;
            byAgent[c.Agent] = Count(byAgent, c.Agent) + 1;
        }

        return new DispatchPlan(start, waiting);
    }

    private static int Count(Dictionary<string, int> counts, string key) => counts.TryGetValue(key, out var n) ? n : 0;
}
