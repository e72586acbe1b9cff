using Baton.Core;
using Baton.Core.Config;
using Baton.Core.Monitoring;
using Baton.Core.Security;
using Baton.Core.Storage;
using Baton.Core.Roles;
using Baton.Core.Tickets;
using Baton.Core.Tmux;
using Baton.Core.Usage;
using Baton.Core.Workers;
using Baton.Infrastructure.Agents;
using Baton.Infrastructure.Config;
using Baton.Infrastructure.Files;
using Baton.Infrastructure.Git;
using Baton.Infrastructure.GitHub;
using Baton.Infrastructure.Processes;
using Baton.Infrastructure.Roles;
using Baton.Infrastructure.Storage.Sql;
using Baton.Infrastructure.Storage.Sqlite;
using Baton.Infrastructure.Tmux;
using Baton.Infrastructure.Workers;

namespace Baton.Cli.Host;

/// <summary>
/// Composition root of one `baton` process: finds the store, reads the config and wires adapters
/// into services, each only when a command first needs it (the hot paths stay lean).
/// </summary>
public sealed class CliHost : IDisposable
{
    private readonly ProcessRunner _runner;
    private readonly Dictionary<string, TmuxClient> _tmux = new(StringComparer.Ordinal);
    private SqlStore? _store;
    private Baton.Infrastructure.Notify.NotificationChannels? _channels;
    private BatonConfig? _config;
    private BatonPaths? _paths;
    private BatonPaths? _workPaths;
    private AgentProfiles? _profiles;
    private Executables? _executables;
    private AgentVersions? _versions;
    private GitHubClient? _github;
    private Baton.Infrastructure.Sandbox.BwrapProbe? _sandbox;

    public CliHost(CliOutput output, CliEnvironment environment, BatonPaths? paths = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(environment);
        Output = output;
        Environment = environment;
        _paths = paths;
        _runner = new ProcessRunner { Trace = ProcessTrace.From(environment.Variable(ProcessTrace.Variable)) };
    }

    /// <summary>Where this command writes and reads (the terminal, or a test's writers).</summary>
    public CliOutput Output { get; }

    public TextWriter Out => Output.Out;

    public TextWriter Error => Output.Error;

    public TextReader In => Output.In;

    public Spectre.Console.IAnsiConsole Console => Output.Console;

    /// <summary>The working directory and variables this command sees.</summary>
    public CliEnvironment Environment { get; }

    public TimeProvider Time { get; } = TimeProvider.System;

    public LocalFiles Files { get; } = new();

    public ProcessEnvironment Variables { get; } = new();

    public BatonPaths Paths => _paths ??= FindPaths();

    /// <summary>
    /// <see cref="Paths"/> with the worktrees where <c>workspace.base_dir</c> puts them. It needs the
    /// config, so only what makes or looks for worktrees asks for it (a bad config.yaml must not
    /// stop `baton down`).
    /// </summary>
    public BatonPaths WorkPaths => _workPaths ??= Paths.WithWorktreesIn(Config.WorktreeBaseDir);

    public IStore Store => Sqlite;

    public ITicketStore TicketStore => new SqlTicketStore(Sqlite);

    /// <summary>
    /// A store connection of its own for a reader on another thread (the dashboard's event poller):
    /// this host's connection is not thread-safe. The caller disposes it.
    /// </summary>
    public SqlStore OpenConnection() => OpenStore(StoreBusyTimeout);

    private SqlStore Sqlite => _store ??= OpenStore(StoreBusyTimeout);

    /// <summary>
    /// The shared PostgreSQL store when BATON_STORE_URL or store.url names one (the password from
    /// BATON_STORE_PASSWORD, else PGPASSWORD or ~/.pgpass), else .baton/baton.db.
    /// </summary>
    private SqlStore OpenStore(TimeSpan busyTimeout) => SharedStoreUrl() is { } url
        ? Baton.Infrastructure.Storage.Postgres.PostgresStore.Open(Baton.Infrastructure.Storage.Postgres.PostgresUrl.Parse(url), Environment.Variable("BATON_STORE_PASSWORD"), create: false, busyTimeout)
        : SqliteStore.Open(Paths.Database, create: false, busyTimeout);

    /// <summary>A lock wait on the shared store that ran out outside a write (55P03), as the same "store is busy" error; null when it is not one.</summary>
    public Baton.Core.Storage.StoreBusyException? StoreBusy(Exception error) =>
        Baton.Infrastructure.Storage.Postgres.PostgresStore.AsBusy(error, _store?.Location ?? "the shared store", StoreBusyTimeout);

    private string? SharedStoreUrl()
    {
        if (Environment.Variable("BATON_STORE_URL") is { } fromEnv)
        {
            return fromEnv;
        }

        try
        {
            return Config.StoreUrl;
        }
        catch (BatonException) when (File.Exists(Paths.Database))
        {
            // A config that does not load leaves the SQLite store usable, as the busy wait's
            // default does; without that file the config's error is the one to show.
            return null;
        }
    }

    /// <summary>
    /// The store's wait from config.yaml. A config that does not load leaves the default: commands
    /// that never read the config (events, tickets) keep working, and those that do report the error.
    /// </summary>
    private TimeSpan StoreBusyTimeout
    {
        get
        {
            try
            {
                return Config.StoreBusyTimeout;
            }
            catch (BatonException)
            {
                return BatonConfig.Default.StoreBusyTimeout;
            }
        }
    }

    public BatonConfig Config => _config ??= ConfigLoader.Load(Paths.ConfigFile, Environment.Variable("BATON_TMUX_SOCKET"));

    public AgentProfiles Profiles => _profiles ??= new AgentProfiles(Paths.AgentsDir);

    public Executables Executables => _executables ??= new Executables();

    public ProcessRunner Runner => _runner;

    public TmuxClient Tmux(string? socket)
    {
        var key = socket ?? "";
        if (!_tmux.TryGetValue(key, out var client))
        {
            client = new TmuxClient(_runner, socket);
            _tmux[key] = client;
        }

        return client;
    }

    public WorkerContext Workers() => new(
        Store,
        socket => Tmux(socket),
        Profiles,
        new HeadlessHost(_runner, Executables.Self),
        Executables,
        new FileSessionLock(Paths.LocksDir),
        Secrets(),
        Config,
        WorkPaths,
        Time,
        () => new RoleSetup(Roles(), GitWorkspace, WorkPaths, Executables.Self, Executables.Hook, Files))
    {
        Versions = Versions,
        Usage = UsageStore,
        Sandbox = SandboxProbe,
        Credentials = Credentials,
        Files = Files,
        Variables = Variables,
        Spool = new HookSpool(Paths),
        Processes = new ProcessTable(),
        StoreUrl = SharedStoreUrl() is { } store ? Baton.Infrastructure.Storage.Postgres.PostgresUrl.Parse(store).ToString() : null, // never its password
    };

    /// <summary>Bubblewrap here, probed once per command (sandboxed workers, `baton sandbox check`).</summary>
    public Baton.Infrastructure.Sandbox.BwrapProbe SandboxProbe => _sandbox ??= new(_runner, Executables, Variables, Path.Combine(Paths.BatonDir, "cache", "sandbox-probe.txt"));

    /// <summary>A probe that always tries a sandbox now (`baton sandbox check`), never the cached answer.</summary>
    public Baton.Infrastructure.Sandbox.BwrapProbe FreshSandboxProbe() => new(_runner, Executables, Variables);

    /// <summary>This repository's per-worker and per-role credentials (outside it).</summary>
    public Baton.Infrastructure.Sandbox.FileCredentialStore Credentials => new(Paths.Root, Variables);

    /// <summary>
    /// The redactor: secret-looking variables of this process, and every stored credential (they
    /// live in no variable of Baton's, only in sandboxes), wherever a repository is at hand.
    /// </summary>
    public Redactor Secrets()
    {
        var redactor = Redactor.From(Variables);
        try
        {
            return redactor.With([.. Credentials.Values()]);
        }
        catch (Exception e) when (e is BatonException or IOException or UnauthorizedAccessException)
        {
            return redactor;
        }
    }

    public IUsageStore UsageStore => new SqlUsageStore(Sqlite);

    /// <summary>The subscription windows the agents reported (Claude Code's status line), latest per profile.</summary>
    public IRateLimitReadings RateLimits => new SqlUsageStore(Sqlite);

    /// <summary>Agents' versions, cached in .baton/cache between processes.</summary>
    public AgentVersions Versions => _versions ??= new AgentVersions(_runner, Path.Combine(Paths.BatonDir, "cache", "agent-versions.tsv"));

    public RoleService Roles()
    {
        var catalog = new RoleCatalog(Paths.BatonDir);
        return new RoleService(catalog, catalog.Resolve, Paths, Files);
    }

    public TicketService Tickets() => new(TicketStore, Store, Paths, Time, Secrets(), () => new WorkerService(Workers()), Files)
    {
        Roles = new RoleCatalog(Paths.BatonDir),
        Profiles = Profiles,
    };

    public IMergeStore MergeStore => new SqlMergeStore(Sqlite);

    /// <summary>`baton synthesize`: a reviewing agent's report on finished tickets.</summary>
    public Baton.Core.Synthesis.SynthesisService Syntheses() => new(
        HeadlessQuestions.For(Workers(), WorkerSpawner()), TicketStore, Store,
        new Baton.Core.Synthesis.DossierBuilder(MergeStore, new GitPatches(_runner), Git, Git, Paths.Root, Redactor.From(Variables)) { BaseBranch = Config.Autopilot.BaseBranch },
        Files, Paths, Time, Redactor.From(Variables));

    /// <summary>`baton plan` and the MCP plan tool: a headless planning agent, checked and filed.</summary>
    public Baton.Core.Planning.PlanService Plans()
    {
        var roles = new RoleCatalog(Paths.BatonDir).RoleNames().ToHashSet(StringComparer.Ordinal);
        return new(HeadlessQuestions.For(Workers(), WorkerSpawner()), TicketStore, Store, Files, Paths, Time, Redactor.From(Variables))
        {
            RoleExists = roles.Contains,
        };
    }

    public GitClient Git => new(_runner);

    public IConflictStore ConflictStore => new SqlConflictStore(Sqlite);

    public Baton.Core.Conflicts.ConflictService Conflicts() => new(Git, TicketStore, ConflictStore, Paths.Root, Config.Autopilot.BaseBranch);

    /// <summary>The loop of `baton up`, woken by writes to the store and the hook spool (it disposes of the watch when it stops).</summary>
    public Baton.Core.Dispatch.Autopilot Autopilot() => new(AutopilotContext() with { Wake = LoopWake() });

    public Baton.Core.Dispatch.AutopilotContext AutopilotContext() => new(
        Workers(), TicketStore, MergeStore, Git, _runner, Monitor(), Tickets())
    {
        Isolate = Isolate,
        GitHub = GitHub,
        GitHubStore = GitHubStore,
        Conflicts = ConflictStore,
        Inbox = TicketInbox(),
        Notifier = Config.Notify.Enabled ? Notifier() : null,
        Handoffs = HandoffStore,
        Diffs = new GitDiffs(_runner),
        Patches = new GitPatches(_runner),
        Processes = new ProcessTable(),
        FaultPoint = Baton.Infrastructure.Diagnostics.FaultKill.From(Variables.Get(Baton.Infrastructure.Diagnostics.FaultKill.Variable)),
        Budgets = Budgets(),
    };

    /// <summary>What wakes the loop: the store's WAL and the hook spool; on PostgreSQL, LISTEN/NOTIFY and the spool.</summary>
    private Baton.Core.Dispatch.IAutopilotWake? LoopWake()
    {
        var files = Baton.Infrastructure.Dispatch.FileWake.TryStart(Paths);
        return Sqlite is Baton.Infrastructure.Storage.Postgres.PostgresStore pg
            ? (Baton.Core.Dispatch.IAutopilotWake?)Baton.Infrastructure.Storage.Postgres.PostgresWake.TryStart(pg, files) ?? files
            : files;
    }

    public Baton.Core.Nodes.ILeaseStore LeaseStore => new SqlLeaseStore(Sqlite);

    /// <summary>Whether the connection to the shared store dropped (a node away from its database).</summary>
    public bool StoreLinkDown => _store is IStoreLink { Connected: false };

    /// <summary>Whether this repository's store is the shared PostgreSQL one.</summary>
    public bool SharedStore => Sqlite is Baton.Infrastructure.Storage.Postgres.PostgresStore;

    /// <summary>
    /// The loop of `baton node`: the autopilot's own, with this node's view of the tickets (its
    /// leases, the work it can run), the merge queue while it holds it, and its capacity. On
    /// PostgreSQL it is locked by node name (several nodes per repository); on SQLite by the
    /// repository's autopilot lock, as `baton up`.
    /// </summary>
    public Baton.Core.Dispatch.AutopilotRun NodeRun(Baton.Core.Nodes.LeaseKeeper keeper)
    {
        ArgumentNullException.ThrowIfNull(keeper);
        LoopThreads.Reserve(keeper.Node.Capacity);
        var leases = LeaseStore;
        Baton.Core.Dispatch.IAutopilotLoop Loop()
        {
            var context = AutopilotContext();
            var workers = context.Workers with { Config = context.Workers.Config with { Autopilot = context.Config with { MaxWorkers = keeper.Node.Capacity } } };
            var tickets = new Baton.Core.Nodes.NodeTickets(context.Tickets, keeper);
            var remote = NodeRemote(context.WorktreesDir);
            return new Baton.Core.Dispatch.Autopilot(context with
            {
                Workers = workers,
                Tickets = tickets,
                Remote = remote,
                Pushes = remote is null ? null : new Baton.Core.Nodes.BranchPushes(remote, tickets, leases, Git, Store, Time, keeper.Node.Name),
                Merges = new Baton.Core.Nodes.NodeMerges(context.Merges, leases),
                Node = new Baton.Core.Nodes.NodeDuty(keeper, leases, Store, Time, (name, ct) => new WorkerService(workers).KillAsync(name, ct))
                {
                    Link = Sqlite is Baton.Infrastructure.Storage.Postgres.PostgresStore pg ? new Baton.Infrastructure.Nodes.NodeStoreLink(pg, keeper.Node.Name) : null,
                    Pump = HeartbeatPump(keeper),
                    Gates = new Baton.Core.Nodes.GateLeases(tickets, context.Tickets, leases, keeper, Time) { LocalWorktree = remote is null ? null : remote.Owns },
                },
                Wake = LoopWake(),
            });
        }

        Baton.Core.Dispatch.IAutopilotLock held = Sqlite is Baton.Infrastructure.Storage.Postgres.PostgresStore
            ? new Baton.Infrastructure.Nodes.StoreNodeLock(Sqlite, keeper.Node.Name) : AutopilotLock;
        return new(held, Loop, Store, Time, Config.Autopilot.Tick);
    }

    /// <summary>The node's heartbeat on a timer and a store connection of its own (the loop's is not thread-safe).</summary>
    private Baton.Core.Nodes.HeartbeatPump HeartbeatPump(Baton.Core.Nodes.LeaseKeeper keeper)
    {
        var own = OpenStore(StoreBusyTimeout);
        return new(keeper, new SqlLeaseStore(own), own as IStoreLink, Time, own);
    }

    /// <summary>The git remote a node's clone shares with the fleet (nodes.remote; by default origin on the shared store, none on SQLite), or null.</summary>
    private Baton.Core.Nodes.SharedRemote? NodeRemote(string worktreesDir) =>
        Config.Nodes.EffectiveRemote(SharedStore) is { } name ? new(Git, Git, Git, name, Paths.Root, worktreesDir) : null;

    /// <summary>
    /// The fleet's shared git remote for a command that makes long-lived branches (`baton feature
    /// init`): on a shared store, when this clone has that remote; null otherwise (one clone alone).
    /// </summary>
    public Baton.Core.Nodes.SharedRemote? FleetRemote() =>
        Config.Nodes.EffectiveRemote(SharedStore) is { } name && Git.RemoteUrl(Paths.Root, name) is not null ? NodeRemote(WorkPaths.WorktreesDir) : null;

    /// <summary>At `baton node`'s start: the shared remote, if the node uses one, is this clone's and answers (BatonException otherwise).</summary>
    public void CheckNodeRemote()
    {
        if (Config.Nodes.EffectiveRemote(SharedStore) is { } name)
        {
            Baton.Core.Nodes.SharedRemote.Check(Git, Git, Paths.Root, name);
        }
    }

    public Baton.Core.Budgets.IBudgetStore BudgetStore => new SqlBudgetStore(Sqlite);

    /// <summary>Budgets for `baton budget`, `status`, the MCP server and the loop.</summary>
    public Baton.Core.Budgets.BudgetService Budgets()
    {
        // The dispatcher's choice of role and profile for tickets without a worker, made once per use.
        var dispatcher = new Lazy<Baton.Core.Dispatch.Dispatcher>(() =>
        {
            var workers = Workers();
            return new(Config.Autopilot, Config.DefaultAgent, Time, TicketStore, Git, () => workers.RoleSetup().Roles.Catalog, Profiles, WorkPaths, Files) { WorkerNamed = Store.GetWorker };
        });
        return new(BudgetStore, Store, UsageStore, TicketStore, Config.Budgets, Time)
        {
            TokensPerHour = Config.Autopilot.TokensPerHour,
            RateLimits = RateLimits,
            RunsAs = ticket =>
            {
                try
                {
                    var c = dispatcher.Value.CandidateFor(ticket);
                    return (c.Role, c.Agent);
                }
                catch (BatonException)
                {
                    return null; // an unknown role or agent: no budget scope to count it in
                }
            },
        };
    }

    public Baton.Core.Handoff.IHandoffStore HandoffStore => new SqlHandoffStore(Sqlite);

    public Baton.Core.Handoff.HandoffService Handoffs() => new(AutopilotContext(), HandoffStore, new GitDiffs(_runner));

    /// <summary>The notifier over this project's channels and rules (secrets read from the environment at delivery).</summary>
    public Baton.Core.Notify.Notifier Notifier() => new(
        Config.Notify, new SqlNotificationStore(Sqlite), Store, NotificationChannels, Time, Secrets());

    private Baton.Infrastructure.Notify.NotificationChannels NotificationChannels =>
        _channels ??= new Baton.Infrastructure.Notify.NotificationChannels(Variables.Get, Time);

    public Baton.Core.Notify.INotificationStore NotificationStore => new SqlNotificationStore(Sqlite);

    public IGitHubStore GitHubStore => new SqlGitHubStore(Sqlite);

    /// <summary>The GitHub client of this project (config, remote, token), made on first use.</summary>
    public Baton.Core.GitHub.IGitHub GitHub() =>
        _github ??= GitHubConnector.Connect(Config.GitHub, Git, Paths.Root, _runner, Executables, Secrets(), Time);

    /// <summary>
    /// A copy of an autopilot context for another thread: its own SQLite connection and its own
    /// tmux clients and profile cache (this host's are not thread-safe); the lease closes the connection.
    /// </summary>
    private (Baton.Core.Dispatch.AutopilotContext Context, IDisposable Lease) Isolate(Baton.Core.Dispatch.AutopilotContext parent)
    {
        var store = OpenStore(parent.Workers.Config.StoreBusyTimeout);
        var profiles = new AgentProfiles(parent.Paths.AgentsDir);
        var redactor = Secrets();
        Func<string?, ITmux> tmux = socket => new TmuxClient(_runner, socket);
        var workers = parent.Workers with
        {
            Store = store,
            Tmux = tmux,
            Profiles = profiles,
            Redactor = redactor,
            Usage = new SqlUsageStore(store),
        };
        // A node's background writes (a spawn's worktree, a clean-up) carry its fencing tokens as the loop's do.
        ITicketStore tickets = parent.Tickets is Baton.Core.Nodes.NodeTickets node ? node.Over(new SqlTicketStore(store)) : new SqlTicketStore(store);
        var context = parent with
        {
            Workers = workers,
            Tickets = tickets,
            Merges = new SqlMergeStore(store),
            Conflicts = new SqlConflictStore(store),
            Handoffs = new SqlHandoffStore(store),
            GitHubStore = parent.GitHubStore is null ? null : new SqlGitHubStore(store),
            Monitor = BuildMonitor(store, tmux, profiles, redactor),
            TicketService = BuildTickets(tickets, store, redactor, () => workers),
            Isolate = null,
        };
        return (context, store);
    }

    /// <summary>The single-instance lock of `baton up` on this repository.</summary>
    public Baton.Core.Dispatch.IAutopilotLock AutopilotLock => new Baton.Infrastructure.Dispatch.AutopilotLockFile(Paths);

    public Baton.Core.Dispatch.AutopilotPreflight Preflight() => new(_runner, Roles().Catalog, Profiles, Git, WorkPaths)
    {
        Executables = Executables,
        Tickets = TicketStore,
        Files = Files,
    };

    public Baton.Core.Dispatch.AutopilotRun AutopilotRun()
    {
        LoopThreads.Reserve(Config.Autopilot.MaxWorkers);
        return new(AutopilotLock, Autopilot, Store, Time, Config.Autopilot.Tick);
    }

    public Baton.Core.Dispatch.AutopilotControl AutopilotControl() => AutopilotControl(Config);

    /// <summary>
    /// For stopping (`baton down`): a config.yaml that does not load must not keep a running loop
    /// alive. The loop is found by its lock (pid), so the defaults (and BATON_TMUX_SOCKET) do; a
    /// session under another prefix is then left for `tmux kill-session`.
    /// </summary>
    public Baton.Core.Dispatch.AutopilotControl AutopilotControlForStop()
    {
        try
        {
            return AutopilotControl(Config);
        }
        catch (BatonException e)
        {
            Error.WriteLine($"baton: warning: {e.Message}; stopping with the default settings");
            return AutopilotControl(BatonConfig.Default with { TmuxSocket = Environment.Variable("BATON_TMUX_SOCKET") });
        }
    }

    private Baton.Core.Dispatch.AutopilotControl AutopilotControl(BatonConfig config) =>
        new(AutopilotLock, () => Tmux(config.TmuxSocket), config, Paths, Executables.Self, Time);

    public HeadlessSupervisor HeadlessSupervisor() => new(Store, UsageStore, Profiles, _runner, Secrets(), Time);

    /// <summary>A headless worker's log, appended to and readable by `baton capture` while it grows.</summary>
    public StreamWriter HeadlessLog(string path) =>
        new(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };

    public GitWorkspace GitWorkspace => new(_runner);

    /// <param name="actor">Who asks (`cli`, `dashboard`), recorded on the send and kill events.</param>
    public WorkerService WorkerService(string? actor = null) => new(Workers()) { Actor = actor };

    public WorkerSpawner WorkerSpawner() => new(Workers());

    public TicketInbox TicketInbox() => new(Tickets(), Store, Paths.BatonDir, Time, Files);

    public Baton.Core.GitHub.GitHubImporter GitHubImporter() => new(Tickets(), GitHubStore, Store, Time);

    public Baton.Core.GitHub.IssueSync IssueSync() => new(TicketStore, GitHubStore, Store, Config.GitHub, Time);

    public Baton.Core.GitHub.PullRequests PullRequests() => new(AutopilotContext());

    public Baton.Core.Conflicts.ConflictScanner ConflictScanner() => new(Git);

    public Baton.Core.Tickets.StatusSync StatusSync() =>
        new(Git, TicketStore, Store, Tickets(), Time, Paths.Root, Config.Autopilot.BaseBranch);

    public Baton.Core.Dispatch.StatusFiles StatusFiles() => new(Paths, Files);

    public Baton.Core.Merge.MergeQueue MergeQueue() => new(TicketStore, MergeStore, Time);

    public Baton.Core.Events.EventService Events() => new(Store, Time, Secrets());

    public Baton.Core.Config.InitService Init() => new(Files, GitWorkspace, _runner, new ProjectSetup(() => Environment.Variable("BATON_STORE_PASSWORD")));

    public WorkerMonitor Monitor() => BuildMonitor(Store, socket => Tmux(socket), Profiles, Secrets());

    // The parts of the graph that hold a store connection or tmux clients are built here only, for
    // this host's thread and for each isolated copy (Isolate) alike.
    private WorkerMonitor BuildMonitor(IStore store, Func<string?, ITmux> tmux, Baton.Core.Agents.IAgentProfiles profiles, Redactor redactor) =>
        new(store, tmux, profiles, new HeadlessHost(_runner, Executables.Self), Time, new HookSpool(Paths), redactor);

    private TicketService BuildTickets(ITicketStore tickets, IStore store, Redactor redactor, Func<WorkerContext> workers) =>
        new(tickets, store, Paths, Time, redactor, () => new WorkerService(workers()), Files);

    /// <summary>
    /// <c>BATON_DB</c> (set in every worker's environment) wins; otherwise the nearest
    /// <c>.baton/baton.db</c> walking up from the current directory.
    /// </summary>
    private BatonPaths FindPaths()
    {
        if (Environment.Variable("BATON_DB") is { } fromEnv)
        {
            return BatonPaths.ForDatabase(fromEnv);
        }

        var start = Environment.WorkingDirectory;
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            // The SQLite store, or the config of a repository whose store is shared (store.url).
            if (File.Exists(Path.Combine(dir.FullName, ".baton", "baton.db")) || File.Exists(Path.Combine(dir.FullName, ".baton", "config.yaml")))
            {
                return BatonPaths.ForRoot(dir.FullName);
            }
        }

        // A linked worktree elsewhere (`git worktree add ../x`) shares the main checkout's store.
        if (MainCheckout(start) is { } main && File.Exists(Path.Combine(main, ".baton", "baton.db")))
        {
            return BatonPaths.ForRoot(main);
        }

        throw new BatonException($"no Baton store in {start} or any folder above it: run `baton init` in your repository first");
    }

    private string? MainCheckout(string directory)
    {
        try
        {
            var result = _runner.Run(new Baton.Core.Processes.ProcessRequest("git", ["-C", directory, "rev-parse", "--path-format=absolute", "--show-toplevel", "--git-common-dir"]));
            return result.ExitCode == 0 && result.StandardOutput.Trim().Length > 0 ? InitService.MainRoot(result.StandardOutput) : null;
        }
        catch (Baton.Core.Processes.ProcessStartFailedException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        _channels?.Dispose();
        _github?.Dispose();
        _store?.Dispose();
    }
}
