using System.Diagnostics;
using System.Globalization;
using Baton.Core.Agents;
using Baton.Core.Events;
using Baton.Core.Git;
using Baton.Core.Storage;
using Baton.Core.Tickets;
using Baton.Core.Workers;

namespace Baton.Core.Dispatch;

/// <summary>
/// Gives a running agent its next ticket (autopilot.reuse_agents), instead of ending it and
/// starting a fresh one. An agent's working directory cannot change under it (Claude Code, Codex
/// and the scripted agent all keep the folder they started in; `/clear` and `/new` only drop the
/// conversation), so the agent stays in its folder and the folder changes instead: what was left
/// uncommitted is saved as a WIP snapshot, the previous (merged) branch goes, and the folder is
/// checked out afresh on the new ticket's branch with every untracked and ignored file removed.
/// Then the role's files (context, settings, guards) are written again for the new ticket, the
/// profile's reset command is typed, and once the agent is ready again its new prompt.
/// </summary>
public sealed class WorkerReuse
{
    private readonly IStore _store;
    private readonly IWorkerControl _workers;
    private readonly IAgentProfiles _profiles;
    private readonly IGitCheckouts _checkouts;
    private readonly IGitWorktrees _worktrees;
    private readonly IGitHistory _history;
    private readonly TicketWorktrees _ticketWorktrees;
    private readonly TimeProvider _time;
    private readonly string _root;

    public WorkerReuse(IStore store, IWorkerControl workers, IAgentProfiles profiles, IGitCheckouts checkouts, IGitWorktrees worktrees, IGitHistory history,
        TicketWorktrees ticketWorktrees, TimeProvider time, string root)
    {
        _store = store;
        _workers = workers;
        _profiles = profiles;
        _checkouts = checkouts;
        _worktrees = worktrees;
        _history = history;
        _ticketWorktrees = ticketWorktrees;
        _time = time;
        _root = root;
    }

    /// <summary>
    /// Writes the role's files for the worker again (the new ticket's guards and context) and
    /// returns the prompt as the agent must get it (with the context in front when its profile
    /// reads it from the first prompt). Null: the prompt goes as it is.
    /// </summary>
    public Func<Worker, string, string>? Prepare { get; init; }

    /// <summary>
    /// Runs before anything in the folder changes, as before a fresh worktree is made
    /// (<see cref="Dispatcher.PrepareBranches"/>: in a node's clone the target and a stack
    /// parent's branch are fetched from the shared remote); the start point is read after it.
    /// A throw leaves the folder as it was. Null: nothing.
    /// </summary>
    public Action<Ticket>? BeforeSwitch { get; init; }

    /// <summary>How often the screen is read while waiting for the agent to be ready after its reset.</summary>
    public static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    /// <param name="previous">The ticket the agent finished; null for an agent of the warm pool (<see cref="WarmPool.IsPooled"/>), which never had one: nothing to save, no conversation to reset.</param>
    public Task<Worker> ReuseAsync(Worker agent, Ticket? previous, Ticket claimed, string startPoint, string prompt, CancellationToken ct) =>
        ReuseAsync(agent, previous, claimed, () => startPoint, prompt, ct);

    /// <param name="startPoint">Where the new branch starts, read once <see cref="BeforeSwitch"/> ran (a stack parent's branch may only exist from then on).</param>
    public async Task<Worker> ReuseAsync(Worker agent, Ticket? previous, Ticket claimed, Func<string> startPoint, string prompt, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(claimed);
        ArgumentNullException.ThrowIfNull(startPoint);
        var profile = _profiles.Get(agent.Agent);
        var reset = previous is null ? null
            : profile.Reset ?? throw new BatonException($"agent profile '{profile.Name}' has no reset command: its agents cannot take another ticket");
        var clock = Stopwatch.StartNew();
        BeforeSwitch?.Invoke(claimed);

        // The folder, made the new ticket's: nothing of the previous one may stay in it.
        if (previous is not null)
        {
            _ticketWorktrees.Snapshot(previous with { Worktree = agent.Directory }, "reused");
        }

        _checkouts.SwitchFresh(agent.Directory, claimed.Branch!, startPoint());
        if (previous?.Branch is { } old && !FeatureBranches.IsLongLived(old) && previous.Target is { } target && _history.MergeState(_root, old, target) != MergeState.NotMerged)
        {
            _worktrees.DeleteBranch(_root, old);
        }

        var switched = clock.Elapsed;
        var text = Prepare?.Invoke(agent, prompt) ?? prompt;
        var row = Take(agent.Name, claimed, previous);

        // The reset, then the prompt once the agent reads as ready again (a prompt typed while it
        // still handles the reset could be swallowed by it).
        if (reset is not null)
        {
            var cleared = await _workers.SendAsync(agent.Name, reset, ct).ConfigureAwait(false);
            if (!cleared.Verified)
            {
                throw new BatonException($"{agent.Name} did not take its reset command '{reset}': {cleared.Detail}");
            }
        }

        await ReadyAsync(row, profile, ct).ConfigureAwait(false);
        var resetDone = clock.Elapsed;
        var typed = await _workers.SendAsync(agent.Name, text, ct).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        _store.AppendEvent(Dispatcher.Event(claimed, EventTypes.WorkerReused,
            (previous is null ? $"{agent.Name} taken from the warm pool for {claimed.Id}: " : $"{agent.Name} reused for {claimed.Id} after {previous.Id}: '{reset}' typed, ")
            + $"{agent.Directory} checked out afresh on {claimed.Branch}" + (typed.Verified ? "" : $" (prompt NOT confirmed: {typed.Detail})"), now, agent.Name,
            new Dictionary<string, string>
            {
                ["previous_ticket"] = previous?.Id ?? "",
                ["pool"] = previous is null ? "true" : "false",
                ["agent"] = agent.Agent,
                ["role"] = agent.Role ?? "",
                ["reset"] = reset ?? "",
                ["worktree"] = agent.Directory,
                ["branch"] = claimed.Branch ?? "",
                ["switch_ms"] = Ms(switched),
                ["reset_ms"] = Ms(resetDone - switched),
                ["total_ms"] = Ms(clock.Elapsed),
                ["verified"] = typed.Verified ? "true" : "false",
            }));
        return _store.GetWorker(agent.Name) ?? row;
    }

    private static string Ms(TimeSpan t) => ((long)t.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);

    /// <summary>The worker's row names the new ticket from now on (its hook calls and states are that ticket's).</summary>
    private Worker Take(string name, Ticket claimed, Ticket? previous)
    {
        for (var tries = 0; tries < 5; tries++)
        {
            var current = _store.GetWorker(name) ?? throw new BatonException($"worker '{name}' is gone");
            if (!current.State.IsLive())
            {
                throw new BatonException($"worker '{name}' is {current.State.ToText()}: it cannot take {claimed.Id}");
            }

            var next = current with { Ticket = claimed.Number, Evidence = previous is null ? $"warm pool -> {claimed.Id}" : $"reused: {previous.Id} -> {claimed.Id}", StateSince = _time.GetUtcNow() };
            if (_store.UpdateWorkers([new(next, null, current)]) == 1)
            {
                return next;
            }
        }

        throw new BatonException($"worker '{name}' kept changing while it was given {claimed.Id}");
    }

    private async Task ReadyAsync(Worker worker, AgentProfile profile, CancellationToken ct)
    {
        var deadline = _time.GetUtcNow() + profile.ReadyTimeout;
        while (true)
        {
            var screen = _workers.Screen(worker);
            if (ScreenClassifier.Classify(profile, screen).State == WorkerState.Idle && string.IsNullOrWhiteSpace(ScreenClassifier.InputText(profile.Screen, screen)))
            {
                return;
            }

            if (_time.GetUtcNow() >= deadline)
            {
                throw new BatonException($"{worker.Name} was not ready {profile.ReadyTimeout.TotalSeconds:0}s after its reset '{profile.Reset}': {WorkerSpawner.LastWords(screen, 3)}");
            }

            await Task.Delay(Poll, _time, ct).ConfigureAwait(false);
        }
    }
}
