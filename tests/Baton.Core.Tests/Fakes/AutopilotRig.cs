using Baton.Core.Config;
using Baton.Core.Dispatch;
using Baton.Core.Events;
using Baton.Core.Merge;
using Baton.Core.Monitoring;
using Baton.Core.Security;
using Baton.Core.Storage;
using Baton.Core.Tickets;
using Baton.Core.Workers;
using Baton.Infrastructure.Agents;
using Microsoft.Extensions.Time.Testing;

namespace Baton.Core.Tests.Fakes;

/// <summary>
/// The autopilot's policy classes wired on fakes: a fake clock, the real SQLite store on a temp
/// file, fake git, fake workers, a scripted process runner, the built-in profiles and roles.
/// Set <see cref="Config"/> before asking for a part; every part shares the same fakes.
/// </summary>
public sealed class AutopilotRig : IDisposable
{
    public WatchedClock Time { get; } = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    public TempStore Db { get; } = new();

    public FakeGit Git { get; } = new();

    public FakeWorkerControl Workers { get; }

    public RecordingRespawner Respawns { get; } = new();

    public RecordingResults Results { get; } = new();

    public ScriptedProcessRunner Runner { get; } = new();

    public FakeRoles Roles { get; } = new();

    public AgentProfiles Profiles { get; } = new(null);

    public AutopilotConfig Config { get; set; } = new();

    /// <summary>The worktrees' folders, the scratch merge worktrees and the status pages.</summary>
    public InMemoryFiles Files { get; } = new();

    public AutopilotRig()
    {
        Workers = new FakeWorkerControl(Time, Db.Store);
    }

    public string Root => Db.Dir;

    public BatonPaths Paths => BatonPaths.ForRoot(Db.Dir);

    public IStore Store => Db.Store;

    public ITicketStore Tickets => Db.Tickets;

    public TicketLifecycle Life() =>
        new(Config, Time, Db.Tickets, Db.Store, Workers, Results, new TicketWorktrees(Git, Git, Git, Db.Store, Time, Root, Files), Respawns);

    public Supervisor Supervisor(TicketLifecycle life) =>
        new(Config, Time, Db.Tickets, Db.Store, Git, Workers, Profiles, () => Roles, new Redactor([]), life, Files);

    public GatesAndMerges Completion(TicketLifecycle life, Action<Ticket> cleanUp) => Completion(life, cleanUp, Db.Tickets, Db.Merges);

    /// <summary>The completion stage on another view of the tickets and merge requests (a node's).</summary>
    public GatesAndMerges Completion(TicketLifecycle life, Action<Ticket> cleanUp, ITicketStore tickets, IMergeStore merges)
    {
        var gate = new GateRunner(Runner, new Redactor([]));
        var job = new MergeJob(Git, Git, Git, Git, gate, Files) { Rebase = Config.MergeStrategy == MergeStrategy.Rebase };
        return new GatesAndMerges(Config, Time, tickets, merges, Db.Store, Results, Git, Git, Git, gate, job, new Stacks(Time, tickets, Git, life), life, Paths, cleanUp);
    }

    public void Advance(TimeSpan by) => Time.Advance(by);

    /// <summary>A ticket claimed by <paramref name="worker"/> (attempt 1 unless told), on its branch and worktree.</summary>
    public Ticket InProgress(string worker, int attempts = 1, int? timeLimitMinutes = null, string? role = null)
    {
        var now = Time.GetUtcNow();
        var created = Db.Tickets.CreateTicket(new Ticket { Number = 0, Title = "Policy under test", Status = TicketStatus.Open, CreatedAt = now, UpdatedAt = now, TimeLimitMinutes = timeLimitMinutes, RoleWanted = role },
            t => new EventRecord { Time = now, Type = EventTypes.TicketCreated, Ticket = t.Id, Message = "created" });
        return Db.Tickets.Mutate(created.Number, t => new TicketMutation(t with
        {
            Status = TicketStatus.InProgress,
            Assignee = worker,
            Attempts = attempts,
            Branch = $"baton/{t.Id}-policy",
            Target = "main",
            Worktree = Path.Combine(Root, ".baton", "worktrees", t.Id),
            StartedAt = now,
            UpdatedAt = now,
        }, []));
    }

    /// <summary>A tmux worker of the scripted agent in <paramref name="state"/> since now.</summary>
    public Worker AddWorker(string name, WorkerState state, long? ticket = null, WorkerMode mode = WorkerMode.Tmux, string? role = null)
    {
        var now = Time.GetUtcNow();
        var worker = new Worker
        {
            Name = name,
            Agent = "scripted",
            Role = role,
            Mode = mode,
            Session = mode == WorkerMode.Tmux ? "baton-" + name : null,
            Directory = Root,
            State = state,
            Evidence = "test",
            StateSince = now,
            CreatedAt = now,
            Ticket = ticket,
        };
        Db.Store.AddWorker(worker, new EventRecord { Time = now, Type = EventTypes.WorkerSpawned, Worker = name, Message = "test worker" });
        return worker;
    }

    /// <summary>Moves the stored worker to another state (as the monitor would), from now.</summary>
    public Worker SetState(string name, WorkerState state)
    {
        var w = Db.Store.GetWorker(name)!;
        var next = w with { State = state, StateSince = Time.GetUtcNow() };
        Db.Store.UpdateWorkers([new(next, null, w)]);
        return next;
    }

    public WorkerView View(string name) => new(Db.Store.GetWorker(name)!, null);

    public Ticket Ticket(long number) => Db.Tickets.GetTicket(number)!;

    public IReadOnlyList<EventRecord> Events(string type) => Db.Store.RecentEvents(new EventQuery(1000, Type: type));

    /// <summary>One supervision pass over the ticket with its worker's current row, as a tick makes it.</summary>
    public async Task<TickReport> SuperviseAsync(Supervisor supervisor, long ticket, string worker)
    {
        var report = new TickReport();
        await supervisor.SuperviseAsync(Ticket(ticket), Db.Store.GetWorker(worker) is { } w ? new WorkerView(w, null) : null, report, CancellationToken.None);
        return report;
    }

    public void Dispose() => Db.Dispose();
}
