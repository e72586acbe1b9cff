using System.Globalization;
using Baton.Core.Events;
using Baton.Core.Tickets;
using Baton.Core.Workers;

namespace Baton.Core.Dispatch;

/// <summary>
/// autopilot.warm_pool: keeps idle agents started ahead of demand, so the next ticket of their
/// role and profile does not wait for an agent's start-up. Each is an ordinary tmux worker named
/// <see cref="WarmPool.PoolPrefix"/>N, without a ticket, in its own worktree (detached at the
/// target: the first ticket it takes checks that folder out afresh on its branch, and the folder
/// becomes the ticket's). Which to start and end is <see cref="WarmPool.PlanPool"/>; the caller
/// says which starts the limits allow. Starts and ends run in the background; owned by the loop thread.
/// A pool start that fails holds its pair back (10 s, doubling to 5 min), so an agent that cannot
/// start is not started again every tick.
/// </summary>
public sealed class PoolKeeper
{
    private readonly Storage.IStore _store;
    private readonly Storage.ITicketStore _tickets;
    private readonly Files.IFiles _files;
    private readonly TimeProvider _time;
    private readonly Security.Redactor _redactor;
    private readonly string _worktreesDir;
    private readonly Dictionary<string, (string Role, string Agent, Task<Worker> Task)> _starting = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Task> _ending = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Role, string Agent), (int Failures, DateTimeOffset Until)> _held = [];
    private IReadOnlyList<DispatchCandidate> _waiting = [];
    private long? _waitingVersion;

    public static readonly TimeSpan FirstHold = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan LongestHold = TimeSpan.FromMinutes(5);

    public PoolKeeper(Storage.IStore store, Storage.ITicketStore tickets, Files.IFiles files, TimeProvider time, Security.Redactor redactor, string worktreesDir)
    {
        _store = store;
        _tickets = tickets;
        _files = files;
        _time = time;
        _redactor = redactor;
        _worktreesDir = worktreesDir;
    }

    /// <summary>The loop's pool: agents started through the context's spawner, each in a worktree of its own.</summary>
    public static PoolKeeper For(AutopilotContext c)
    {
        ArgumentNullException.ThrowIfNull(c);
        return new PoolKeeper(c.Store, c.Tickets, c.Files, c.Time, c.Workers.Redactor, c.WorktreesDir)
        {
            Start = (name, candidate) => OnOwnContext(c, context => StartOn(context, name, candidate)),
            End = agent => OnOwnContext(c, async context => { await EndOn(context, agent.Name, agent.Directory).ConfigureAwait(false); return agent; }),
            RemoveFolder = folder => RemoveFolderOn(c, folder),
        };
    }

    /// <summary>Starts a pool agent named as given for the candidate's role and profile, in the background.</summary>
    public required Func<string, DispatchCandidate, Task<Worker>> Start { get; init; }

    /// <summary>Ends a pool agent and removes its folder, in the background.</summary>
    public required Func<Worker, Task> End { get; init; }

    /// <summary>Removes a pool folder a killed loop left.</summary>
    public required Action<string> RemoveFolder { get; init; }

    /// <summary>The pool's background work, finished or not.</summary>
    public IEnumerable<Task> Tasks => _starting.Values.Select(s => (Task)s.Task).Concat(_ending.Values);

    /// <summary>Whether the agent is being started or ended here: not free to take a ticket.</summary>
    public bool Settling(string worker) => _starting.TryGetValue(worker, out var s) && !s.Task.IsCompleted || _ending.TryGetValue(worker, out var e) && !e.IsCompleted;

    /// <summary>Pool agents being started whose rows may not exist yet, for the limits.</summary>
    public IEnumerable<(string Name, string Role, string Agent)> Starting => _starting.Where(s => !s.Value.Task.IsCompleted).Select(s => (s.Key, s.Value.Role, s.Value.Agent));

    /// <summary>The pool's live agents (any state but ended) that are not being ended.</summary>
    public List<Worker> Pooled(IEnumerable<Worker> live) =>
        [.. live.Where(w => w.State.IsLive() && WarmPool.IsPooled(w) && !(_ending.TryGetValue(w.Name, out var e) && !e.IsCompleted))];

    /// <summary>
    /// The tickets a pool agent is started ahead of: open or queued, never started (no assignee,
    /// worktree, branch or wanted worker), not ready yet but able to be one day (no failed or
    /// cancelled dependency), the first 200 in dispatch order; read again only when the store changed.
    /// </summary>
    public IReadOnlyList<DispatchCandidate> Waiting(Func<Ticket, DispatchCandidate> candidateFor)
    {
        ArgumentNullException.ThrowIfNull(candidateFor);
        var version = _store.Version();
        if (version == _waitingVersion)
        {
            return _waiting;
        }

        var statuses = _tickets.Statuses();
        var waiting = new List<DispatchCandidate>();
        var unstarted = _tickets.ListTickets(new Storage.TicketQuery(TicketStatus.Open)).Concat(_tickets.ListTickets(new Storage.TicketQuery(TicketStatus.Queued)));
        foreach (var t in TicketRules.DispatchOrder(unstarted.Where(t => t.Assignee is null && t.Worktree is null && t.Branch is null && t.WorkerWanted is null
            && !TicketRules.IsReady(t, statuses) && TicketRules.BlockedBy(t, statuses).Count == 0)).Take(200))
        {
            try
            {
                waiting.Add(candidateFor(t));
            }
            catch (BatonException)
            {
                // An unknown role or profile: the dispatcher reports it once the ticket is ready.
            }
        }

        (_waiting, _waitingVersion) = (waiting, version);
        return waiting;
    }

    /// <summary>Takes in finished starts and ends: a failed start is reported and holds its pair back.</summary>
    public void Collect(TickReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var now = _time.GetUtcNow();
        foreach (var (name, (role, agent, task)) in _starting.Where(s => s.Value.Task.IsCompleted).ToList())
        {
            _starting.Remove(name);
            if (task.IsCompletedSuccessfully)
            {
                _held.Remove((role, agent));
                continue;
            }

            var failures = _held.TryGetValue((role, agent), out var h) ? h.Failures + 1 : 1;
            var hold = TimeSpan.FromTicks(Math.Min(LongestHold.Ticks, FirstHold.Ticks * (1L << Math.Min(failures - 1, 20))));
            _held[(role, agent)] = (failures, now + hold);
            var why = _redactor.Redact(task.Exception?.GetBaseException().Message ?? "cancelled");
            report.Add("pool_failed", null, name, $"{name}: could not start a pool agent ({role}, {agent}): {why}; next try in {hold.TotalSeconds:0}s");
            _store.AppendEvent(new EventRecord { Time = now, Type = EventTypes.AutopilotError, Worker = name, Role = role, Message = $"could not start the pool agent {name} ({role}, {agent}): {why}" });
        }

        foreach (var (name, task) in _ending.Where(e => e.Value.IsCompleted).ToList())
        {
            _ending.Remove(name);
            if (!task.IsCompletedSuccessfully)
            {
                report.Add("error", null, name, $"could not end the pool agent {name}: {task.Exception?.GetBaseException().Message}");
            }
        }
    }

    /// <summary>
    /// One step: ends the pool agents no waiting ticket needs, and starts those <paramref name="fits"/>
    /// lets through (the limits, asked with the ticket each is started for) of the ones missing.
    /// <paramref name="live"/>: the live workers.
    /// </summary>
    public void Step(int size, IReadOnlyList<DispatchCandidate> waiting, IReadOnlyList<Worker> live, Func<IReadOnlyList<DispatchCandidate>, IReadOnlyList<DispatchCandidate>> fits, TickReport report)
    {
        ArgumentNullException.ThrowIfNull(waiting);
        ArgumentNullException.ThrowIfNull(fits);
        ArgumentNullException.ThrowIfNull(report);
        var now = _time.GetUtcNow();
        var pooled = Pooled(live);
        var starting = Starting.Where(s => pooled.All(w => w.Name != s.Name))
            .Select(s => new Worker { Name = s.Name, Agent = s.Agent, Role = s.Role, Mode = WorkerMode.Tmux, Directory = "", State = WorkerState.Starting, StateSince = now, CreatedAt = now })
            .ToList();
        var (start, end) = WarmPool.PlanPool(size, waiting, [.. pooled, .. starting]);
        foreach (var w in end.Where(w => !Settling(w.Name)))
        {
            EndLater(w, "no waiting ticket needs it", report);
        }

        var allowed = fits([.. start.Where(c => !(_held.TryGetValue((c.Role, c.Agent), out var h) && h.Until > now))]);
        foreach (var c in allowed)
        {
            var name = NextName(live);
            _starting[name] = (c.Role, c.Agent, Start(name, c));
            report.Add("pooling", c.Ticket.Id, name, $"{name}: starting a pool agent ({c.Role}, {c.Agent}) ahead of {c.Ticket.Id} (autopilot.warm_pool)");
        }
    }

    /// <summary>
    /// The loop's step: with the live workers and the spawns under way counted, starts what
    /// <paramref name="fits"/> (the limits a ticket has, asked with the ticket the agent is for)
    /// lets through and ends what no waiting ticket needs. Size 0 with no pool agent costs nothing.
    /// </summary>
    public void Keep(int size, IReadOnlyList<Worker> live, IEnumerable<(string? Role, string Agent)> spawning, Func<Ticket, DispatchCandidate> candidateFor,
        Func<IReadOnlyList<DispatchCandidate>, IReadOnlyList<(string? Role, string Agent)>, IReadOnlyList<DispatchCandidate>> fits, TickReport report)
    {
        ArgumentNullException.ThrowIfNull(live);
        ArgumentNullException.ThrowIfNull(fits);
        if (size == 0 && Pooled(live).Count == 0 && !Starting.Any())
        {
            return;
        }

        var counted = live.Select(w => (w.Role, w.Agent)).Concat(spawning)
            .Concat(Starting.Where(p => live.All(w => w.Name != p.Name)).Select(p => ((string?)p.Role, p.Agent))).ToList();
        Step(size, size == 0 ? [] : Waiting(candidateFor), live, start => fits(start, counted), report);
    }

    /// <summary>
    /// Ready tickets go first: of the tickets waiting for a slot (max_workers, capacity,
    /// max_instances), those <paramref name="plan"/> would start were the <paramref name="idle"/>
    /// pool agents' slots free end as many of them (the newest first); the tickets start once they have gone.
    /// </summary>
    public void GiveBackSlots(IReadOnlyList<Worker> idle, IReadOnlyList<(DispatchCandidate Candidate, string Reason)> waiting, IReadOnlyList<(string? Role, string Agent)> counted,
        Func<IReadOnlyList<DispatchCandidate>, IReadOnlyList<(string? Role, string Agent)>, IReadOnlyList<DispatchCandidate>> plan, TickReport report)
    {
        ArgumentNullException.ThrowIfNull(idle);
        ArgumentNullException.ThrowIfNull(waiting);
        ArgumentNullException.ThrowIfNull(plan);
        var free = idle.Where(w => !Settling(w.Name)).ToList();
        var forSlots = waiting.Where(w => w.Reason.Contains("max_workers", StringComparison.Ordinal) || w.Reason.Contains("capacity", StringComparison.Ordinal)
            || w.Reason.Contains("max_instances", StringComparison.Ordinal)).Select(w => w.Candidate).ToList();
        if (free.Count == 0 || forSlots.Count == 0)
        {
            return;
        }

        var others = counted.ToList();
        free.ForEach(w => others.Remove((w.Role, w.Agent)));
        var could = plan(forSlots, others);
        foreach (var w in free.OrderByDescending(w => w.CreatedAt).Take(could.Count))
        {
            EndLater(w, $"its slot goes to the ready {could[0].Ticket.Id}", report);
        }
    }

    /// <summary>Ends a pool agent in the background (its folder goes with it).</summary>
    public void EndLater(Worker agent, string why, TickReport report)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(report);
        _ending[agent.Name] = End(agent);
        report.Add("unpooled", null, agent.Name, $"{agent.Name}: pool agent ({agent.Role}, {agent.Agent}) ended: {why}");
        _store.AppendEvent(WorkerEvents.For(agent, EventTypes.WorkerUnpooled, $"{agent.Name} left the warm pool: {why}", _time.GetUtcNow()));
    }

    /// <summary>On stop: waits for starts under way, then ends every pool agent (a pool agent never outlives its loop).</summary>
    public async Task DrainAsync()
    {
        await Settled([.. _starting.Values.Select(s => (Task)s.Task)]).ConfigureAwait(false);
        var report = new TickReport();
        foreach (var w in Pooled(_store.ListWorkers(includeKilled: false)).Where(w => !Settling(w.Name)))
        {
            EndLater(w, "the autopilot stopped", report);
        }

        await Settled([.. _ending.Values]).ConfigureAwait(false);
    }

    /// <summary>
    /// After a start (or a crash): pool folders with no live pool agent in them (a loop killed
    /// between making the folder and storing its agent) are removed; live pool agents of the
    /// earlier run are adopted (the next step ends those no ticket needs).
    /// </summary>
    public void Recover(TickReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var pooled = Pooled(_store.ListWorkers(includeKilled: false));
        if (pooled.Count > 0)
        {
            report.Add($"adopted {pooled.Count} pool agent{(pooled.Count == 1 ? "" : "s")} of an earlier run (autopilot.warm_pool)");
        }

        if (!_files.DirectoryExists(_worktreesDir))
        {
            return;
        }

        var folders = _files.ListDirectories(_worktreesDir, WarmPool.PoolPrefix + "*");
        if (folders.Count == 0)
        {
            return;
        }

        // A pool folder that a ticket took is that ticket's worktree now.
        var tickets = _tickets.ListTickets(new Storage.TicketQuery()).Where(t => !t.Status.IsFinished()).Select(t => t.Worktree).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var folder in folders)
        {
            if (pooled.Any(w => w.Directory == folder) || tickets.Contains(folder))
            {
                continue;
            }

            RemoveFolder(folder);
            report.Add($"removed the pool folder {Path.GetFileName(folder)} an earlier run left");
        }
    }

    private string NextName(IReadOnlyList<Worker> live)
    {
        for (var n = 1; ; n++)
        {
            // A name whose earlier agent ended may be used again (the spawner gives it a clean spool).
            var name = WarmPool.PoolPrefix + n.ToString(CultureInfo.InvariantCulture);
            var taken = _starting.ContainsKey(name) || _ending.ContainsKey(name) || live.Any(w => w.Name == name)
                || _store.GetWorker(name) is { } row && row.State.IsLive();
            if (!taken)
            {
                return name;
            }
        }
    }

    private static async Task<Worker> OnOwnContext(AutopilotContext c, Func<AutopilotContext, Task<Worker>> work)
    {
        if (c.Isolate is not { } isolate)
        {
            return await work(c).ConfigureAwait(false);
        }

        return await Task.Run(async () =>
        {
            var (context, lease) = isolate(c);
            using (lease)
            {
                return await work(context).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
    }

    private static async Task<Worker> StartOn(AutopilotContext c, string name, DispatchCandidate candidate)
    {
        var folder = Path.Combine(c.WorktreesDir, name);
        try
        {
            Workspace.WorktreeFolder.Ensure(c.Files, c.Paths);
            if (c.Files.DirectoryExists(folder))
            {
                RemoveFolderOn(c, folder); // a name used before: its folder may have stayed
            }

            c.Worktrees.AddDetachedWorktree(c.Root, folder, Dispatcher.Target(c.Config, c.Git, c.Root, candidate.Ticket));
            var worker = await new WorkerSpawner(c.Workers).SpawnAsync(new SpawnRequest { Name = name, Agent = candidate.Agent, Role = candidate.Role, Directory = folder }, CancellationToken.None).ConfigureAwait(false);
            c.Store.AppendEvent(WorkerEvents.For(worker, EventTypes.WorkerPooled, $"{name} ({candidate.Role}, {candidate.Agent}) is ready in the warm pool, started ahead of {candidate.Ticket.Id}", c.Time.GetUtcNow(),
                new Dictionary<string, string> { ["role"] = candidate.Role, ["agent"] = candidate.Agent, ["for_ticket"] = candidate.Ticket.Id, ["directory"] = folder }));
            return worker;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            await EndOn(c, name, folder).ConfigureAwait(false);
            throw;
        }
    }

    private static async Task EndOn(AutopilotContext c, string name, string folder)
    {
        try
        {
            await c.WorkerService().KillAsync(name, CancellationToken.None).ConfigureAwait(false);
        }
        catch (BatonException)
        {
            // Never started, or already gone.
        }

        // Only a pool agent's own folder: one that took a ticket meanwhile is that ticket's.
        if (folder.Length > 0 && Path.GetFileName(folder).StartsWith(WarmPool.PoolPrefix, StringComparison.Ordinal) && c.Files.DirectoryExists(folder)
            && !c.Tickets.ListTickets(new Storage.TicketQuery(TicketStatus.InProgress)).Any(t => t.Worktree == folder))
        {
            RemoveFolderOn(c, folder);
        }
    }

    private static void RemoveFolderOn(AutopilotContext c, string folder)
    {
        try
        {
            c.Worktrees.RemoveWorktree(c.Root, folder, force: true);
        }
        catch (BatonException)
        {
            // Not (or no longer) a worktree git knows: the folder alone.
            c.Files.DeleteDirectory(folder);
            c.Worktrees.Prune(c.Root);
        }
    }

    private static async Task Settled(IReadOnlyList<Task> tasks)
    {
        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Each is reported where it is collected.
        }
    }
}
