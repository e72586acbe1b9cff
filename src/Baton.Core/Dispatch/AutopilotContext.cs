using Baton.Core.Config;
using Baton.Core.Files;
using Baton.Core.GitHub;
using Baton.Core.Git;
using Baton.Core.Monitoring;
using Baton.Core.Processes;
using Baton.Core.Storage;
using Baton.Core.Tickets;
using Baton.Core.Workers;

namespace Baton.Core.Dispatch;

/// <summary>What the autopilot works with: the worker machinery, the stores, git, and a runner for gate commands.</summary>
public sealed record AutopilotContext(
    WorkerContext Workers,
    ITicketStore Tickets,
    IMergeStore Merges,
    IGit Git,
    IProcessRunner Runner,
    WorkerMonitor Monitor,
    TicketService TicketService)
{
    public AutopilotConfig Config => Workers.Config.Autopilot;
    public BatonPaths Paths => Workers.Paths;
    public TimeProvider Time => Workers.Time;
    public IStore Store => Workers.Store;
    public string Root => Workers.Paths.Root;
    public IFiles Files => Workers.Files;
    public string WorktreesDir => Workers.Paths.WorktreesDir;

    public WorkerService WorkerService() => new(Workers);

    private readonly IGitWorktrees? _worktrees;

    /// <summary>
    /// Where worktrees are added and removed: <see cref="Git"/> unless set. The autopilot sets a
    /// <see cref="LockedWorktrees"/> here, and copies made for other threads share it.
    /// </summary>
    public IGitWorktrees Worktrees
    {
        get => _worktrees ?? Git;
        init => _worktrees = value;
    }

    /// <summary>Predicted conflicts; null: the loop does not look for them.</summary>
    public IConflictStore? Conflicts { get; init; }

    /// <summary>The file inbox the loop imports every tick (new task files become tickets); null leaves it to `baton inbox`.</summary>
    public Tickets.TicketInbox? Inbox { get; init; }

    /// <summary>
    /// Makes a copy of this context with a store connection and adapters of its own, for work on
    /// another thread (spawns, clean-ups); disposing the lease closes that connection. Null when
    /// the host cannot: such work then runs inline, in the tick.
    /// </summary>
    public Func<AutopilotContext, (AutopilotContext Context, IDisposable Lease)>? Isolate { get; init; }

    /// <summary>Makes the GitHub client (reads the token) when first needed; null when the host has none.</summary>
    public Func<IGitHub>? GitHub { get; init; }

    /// <summary>Linked issues and pull requests; used on the loop thread only.</summary>
    public IGitHubStore? GitHubStore { get; init; }

    public GitHubConfig GitHubConfig => Workers.Config.GitHub;

    /// <summary>Context handoffs; a ticket with one underway is left alone by the supervisor. Null: none are looked at.</summary>
    public Handoff.IHandoffStore? Handoffs { get; init; }

    /// <summary>Diff stats for handoff packets; with <see cref="Handoffs"/>, the loop hands full contexts over.</summary>
    public IGitDiffs? Diffs { get; init; }

    /// <summary>Diffs between commits, for a feature's RESULT.md; null: it lists no changed files.</summary>
    public IGitPatches? Patches { get; init; }

    /// <summary>Finds the gate processes a killed loop left running, so the next one stops them; null: not looked for.</summary>
    public IProcessTable? Processes { get; init; }

    /// <summary>
    /// Called with the name of a risky point the loop just passed (after_dispatch, after_gate_pass,
    /// after_merge): crash tests kill the loop there (BATON_FAULT_KILL_AT). Null: nothing.
    /// </summary>
    public Action<string>? FaultPoint { get; init; }

    /// <summary>Budgets the dispatcher keeps to (`baton budget`); null: none are looked at.</summary>
    public Budgets.BudgetService? Budgets { get; init; }

    /// <summary>Wakes the loop when another process writes the store or a hook is spooled; null: it polls the store only. The loop disposes of it.</summary>
    public IAutopilotWake? Wake { get; init; }

    /// <summary>Set when the loop runs as a node of a fleet (`baton node`): heartbeat, lease expiry, capacity counted on its own workers.</summary>
    public Nodes.NodeDuty? Node { get; init; }

    /// <summary>The git remote a node's clone shares with the fleet (nodes.remote); null: one repository, nothing pushed or fetched.</summary>
    public Nodes.SharedRemote? Remote { get; init; }

    /// <summary>With <see cref="Remote"/>: the node's commit checkpoints pushed every tick.</summary>
    public Nodes.BranchPushes? Pushes { get; init; }

    /// <summary>Reaches people through the configured channels; null: no notifications (none configured).</summary>
    public Notify.Notifier? Notifier { get; init; }
}
