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
        return profile?.Reset is not null && agent.Mode == WorkerMode.Tmux && agent.State is WorkerState.Idle or WorkerState.Busy
            && agent.Role == candidate.Role && agent.Agent == candidate.Agent && candidate.Ticket.Worktree is null && candidate.Ticket.Branch is null
            && (candidate.Ticket.WorkerWanted is null || candidate.Ticket.WorkerWanted == agent.Name);
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
