using Baton.Core.Agents;
using Baton.Core.Workers;

namespace Baton.Core.Dispatch;

/// <summary>
/// Which finished tickets' agents take which ready tickets (autopilot.reuse_agents). Pure. An
/// agent is free once its ticket landed; it can take a ticket of its own role and profile that
/// never had a worktree or a branch (a retried ticket goes on in its own; a feature implementor's
/// ticket runs on its long-lived branch, which a fresh checkout would reset), that names no other worker, if it
/// runs in tmux and its profile can reset (<see cref="AgentProfile.Reset"/>). It gets the ticket
/// once it is idle: one still ending the turn that reported done is paired all the same, and the
/// caller holds the ticket for it a moment (<see cref="Idle"/>).
/// Candidates are served in dispatch order; the agent free (idle) the longest takes the first
/// ticket it can, each agent one ticket.
/// </summary>
public static class WarmPool
{
    public static bool CanTake(Worker agent, DispatchCandidate candidate, AgentProfile? profile)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(candidate);
        // A pool agent never had a conversation: it needs no reset, only a profile that still exists.
        return (profile?.Reset is not null || (profile is not null && IsPooled(agent))) && agent.Mode == WorkerMode.Tmux && agent.State is WorkerState.Idle or WorkerState.Busy
            && agent.Role == candidate.Role && agent.Agent == candidate.Agent && candidate.Ticket.Worktree is null && candidate.Ticket.Branch is null
            && (candidate.Ticket.WorkerWanted is null || candidate.Ticket.WorkerWanted == agent.Name);
    }

    /// <summary>Names of the agents the autopilot starts ahead of demand (autopilot.warm_pool) begin with this.</summary>
    public const string PoolPrefix = "pool-";

    /// <summary>
    /// An agent of the warm pool, not yet given a ticket: its name says it was started for the
    /// pool (the store row survives a killed loop, so the next one finds it), and it has no ticket.
    /// Once it takes one it is an ordinary ticket's agent.
    /// </summary>
    public static bool IsPooled(Worker agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        return agent.Ticket is null && agent.Name.StartsWith(PoolPrefix, StringComparison.Ordinal);
    }

    /// <summary>
    /// autopilot.warm_pool: which pool agents to start and which to end. <paramref name="waiting"/>:
    /// the tickets that will need an agent but cannot start now (their dependencies are not done),
    /// as candidates in dispatch order, each a pool agent could take (<see cref="CanTake"/>'s ticket
    /// conditions); <paramref name="pooled"/>: the pool's live agents and those being started. Each
    /// (role, profile) pair keeps min(size, its waiting tickets) agents; a pair that no waiting
    /// ticket needs keeps none. Returns one candidate per agent to start (the ticket it is started
    /// for, so the limits can be asked about it) and the agents to end (the newest first).
    /// </summary>
    public static (IReadOnlyList<DispatchCandidate> Start, IReadOnlyList<Worker> End) PlanPool(int size, IReadOnlyList<DispatchCandidate> waiting, IReadOnlyList<Worker> pooled)
    {
        ArgumentNullException.ThrowIfNull(waiting);
        ArgumentNullException.ThrowIfNull(pooled);
        var wanted = waiting.Where(c => c.Ticket.Worktree is null && c.Ticket.Branch is null && c.Ticket.WorkerWanted is null)
            .GroupBy(c => (c.Role, c.Agent)).ToDictionary(g => g.Key, g => g.Take(Math.Max(0, size)).ToList());
        var start = new List<DispatchCandidate>();
        var end = new List<Worker>();
        foreach (var group in pooled.GroupBy(w => (Role: w.Role ?? "", w.Agent)))
        {
            var keep = wanted.TryGetValue(group.Key, out var want) ? want.Count : 0;
            end.AddRange(group.OrderByDescending(w => w.CreatedAt).ThenBy(w => w.Name, StringComparer.Ordinal).Take(Math.Max(0, group.Count() - keep)));
        }

        foreach (var ((role, agent), want) in wanted)
        {
            var have = pooled.Count(w => (w.Role ?? "") == role && w.Agent == agent);
            start.AddRange(want.Skip(have));
        }

        return (start, end);
    }

    /// <summary>Whether the paired agent can be given its ticket now (its last turn is over).</summary>
    public static bool Idle(Worker agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        return agent.State == WorkerState.Idle;
    }

    /// <summary>Pairs <paramref name="candidates"/> (in dispatch order) with <paramref name="free"/> agents; each agent once.</summary>
    public static IReadOnlyList<(DispatchCandidate Candidate, Worker Agent)> Match(IReadOnlyList<DispatchCandidate> candidates, IReadOnlyList<Worker> free, Func<string, AgentProfile?> profile)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(free);
        ArgumentNullException.ThrowIfNull(profile);
        // Idle ones first (they can start now), then the one idle the longest.
        var left = free.OrderBy(w => Idle(w) ? 0 : 1).ThenBy(w => w.StateSince).ThenBy(w => w.Name, StringComparer.Ordinal).ToList();
        var pairs = new List<(DispatchCandidate, Worker)>();
        foreach (var c in candidates)
        {
            var agent = left.FirstOrDefault(w => CanTake(w, c, profile(w.Agent)));
            if (agent is not null)
            {
                left.Remove(agent);
                pairs.Add((c, agent));
            }
        }

        return pairs;
    }
}
