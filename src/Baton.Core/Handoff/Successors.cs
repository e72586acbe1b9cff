using Baton.Core.Agents;
using Baton.Core.Dispatch;
using Baton.Core.Roles;
using Baton.Core.Storage;
using Baton.Core.Workers;

namespace Baton.Core.Handoff;

/// <summary>The agent a ticket is handed to, and the profiles passed over on the way (with why).</summary>
public sealed record SuccessorChoice(string Agent, IReadOnlyList<string> Skipped);

/// <summary>
/// Who takes a ticket over: <c>--to</c> when given; else the first profile of the role's
/// <c>handoff_to</c> list (the leaving agent's own profile when the list is empty) that is not paused
/// at a usage limit and not over its hourly token budget, as the dispatcher judges them.
/// </summary>
public sealed class Successors
{
    private readonly IStore _store;
    private readonly IAgentProfiles _profiles;
    private readonly IReadOnlyDictionary<string, long> _tokensPerHour;
    private readonly TimeProvider _time;

    public Successors(IStore store, IAgentProfiles profiles, IReadOnlyDictionary<string, long> tokensPerHour, TimeProvider time)
    {
        _store = store;
        _profiles = profiles;
        _tokensPerHour = tokensPerHour;
        _time = time;
    }

    /// <summary>Profiles that may not take new work now, each with why.</summary>
    public IReadOnlyDictionary<string, string> Held()
    {
        var live = _store.ListWorkers(includeKilled: false).Where(w => w.State.IsLive());
        var held = new Dictionary<string, string>(Supervisor.PausedAgents(live), StringComparer.Ordinal);
        foreach (var (agent, why) in TokenBudget.Spent(_store, _tokensPerHour, _time.GetUtcNow()))
        {
            held.TryAdd(agent, why);
        }

        return held;
    }

    public SuccessorChoice Choose(string fromAgent, Role role, string? to)
    {
        ArgumentNullException.ThrowIfNull(fromAgent);
        ArgumentNullException.ThrowIfNull(role);
        var known = _profiles.Names();
        if (to is not null)
        {
            // The user's word wins, even over a pause: they may know the limit has reset.
            return known.Contains(to, StringComparer.Ordinal)
                ? new SuccessorChoice(to, [])
                : throw BatonException.Usage($"unknown agent '{to}' for --to: known profiles are {string.Join(", ", known)}");
        }

        var held = Held();
        var skipped = new List<string>();
        foreach (var agent in role.HandoffTo.Count > 0 ? role.HandoffTo : [fromAgent])
        {
            if (!known.Contains(agent, StringComparer.Ordinal))
            {
                skipped.Add($"{agent}: no such agent profile (role {role.Name}'s handoff_to)");
            }
            else if (held.TryGetValue(agent, out var why))
            {
                skipped.Add($"{agent}: {why}");
            }
            else
            {
                return new SuccessorChoice(agent, skipped);
            }
        }

        throw new BatonException($"no agent can take the ticket over: {string.Join("; ", skipped)}; name one with --to");
    }
}
