namespace Baton.Core.Config;

/// <summary>What `baton up` does and how hard it tries; <c>autopilot:</c>, <c>gate:</c> and <c>merge:</c> in config.yaml.</summary>
public sealed record AutopilotConfig
{
    /// <summary>Most live workers the loop runs at once, whatever their role or agent.</summary>
    public int MaxWorkers { get; init; } = 4;

    /// <summary>Token bucket of spawns: this many a minute on average, at most <see cref="SpawnBurst"/> at once.</summary>
    public int SpawnsPerMinute { get; init; } = 12;

    public int SpawnBurst { get; init; } = 4;

    /// <summary>Pause between the end of one tick and the start of the next.</summary>
    public TimeSpan Tick { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Role of tickets that do not ask for one.</summary>
    public string DefaultRole { get; init; } = "worker";

    /// <summary>Branch new work starts from when its ticket has no feature branch; null: the branch checked out at the root.</summary>
    public string? BaseBranch { get; init; }

    /// <summary>Branch name of a dispatched ticket: {ticket}, {slug}, {time} (yyyyMMddHHmmss, UTC).</summary>
    public string BranchPattern { get; init; } = "baton/{ticket}-{slug}-{time}";

    /// <summary>Tool the agent runs headless instead of in tmux.</summary>
    public bool Headless { get; init; }

    public TimeSpan StallAfter { get; init; } = TimeSpan.FromMinutes(10);
    public int MaxNudges { get; init; } = 2;

    /// <summary><c>restart</c> the agent on the same worktree, or <c>fail</c> the ticket, after the last nudge.</summary>
    public StallPolicy OnStall { get; init; } = StallPolicy.Restart;

    /// <summary>An agent idle this long without having reported completion is asked for its status.</summary>
    public TimeSpan IdleAfter { get; init; } = TimeSpan.FromMinutes(2);

    public int RetryAttempts { get; init; } = 3;
    public TimeSpan RetryBase { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan RetryMax { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Commands run in the worktree when an agent reports done (each with <c>sh -c</c>; they are the project's own).</summary>
    public IReadOnlyList<string> GateCommands { get; init; } = [];

    /// <summary>Gate commands of one role instead of <see cref="GateCommands"/> (<c>gate.roles.implementor</c>; <c>overseer</c> for a feature's integration branch).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> GateRoles { get; init; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);

    /// <summary>The gate of a ticket of <paramref name="role"/>: its role's commands when configured, else <see cref="GateCommands"/>.</summary>
    public IReadOnlyList<string> GateCommandsFor(string? role) =>
        role is not null && GateRoles.TryGetValue(role, out var commands) ? commands : GateCommands;

    public TimeSpan GateTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How often a failed gate goes back to the worker before the ticket fails.</summary>
    public int GateRetries { get; init; } = 2;

    /// <summary>Merge branches that passed the gate into their target (the local merge queue); off leaves them in review.</summary>
    public bool AutoMerge { get; init; } = true;

    /// <summary>Regenerate ORCHESTRATION_STATUS.md and each feature's tasks.md when something changes.</summary>
    public bool StatusFiles { get; init; } = true;

    /// <summary>Keep the exited sessions of finished tickets when `baton up` ends (to capture them later); by default they are removed.</summary>
    public bool KeepExited { get; init; }

    /// <summary>Most live workers per agent profile (a profile's own <c>max_instances</c> may be lower).</summary>
    public IReadOnlyDictionary<string, int> MaxInstances { get; init; } = new Dictionary<string, int>();

    /// <summary>Tokens an hour each profile may use; dispatch to it waits when the last hour used more.</summary>
    public IReadOnlyDictionary<string, long> TokensPerHour { get; init; } = new Dictionary<string, long>();

    /// <summary>Predict conflicts between live branches in the loop, this long after the last new commit; tell the agents involved.</summary>
    public bool ConflictChecks { get; init; } = true;
    public TimeSpan ConflictDebounce { get; init; } = TimeSpan.FromSeconds(5);
    public bool ConflictNotify { get; init; } = true;

    /// <summary>Hold a ready ticket whose declared paths overlap files live branches change.</summary>
    public bool HoldOnOverlap { get; init; }

    /// <summary>Start a ticket whose one unmerged dependency passed its gate on a branch made from that dependency's.</summary>
    public bool StackDependents { get; init; }

    /// <summary>Keep a finished ticket's agent (whose profile can reset) until its ticket landed, then give it the next ready ticket of its role and profile.</summary>
    public bool ReuseAgents { get; init; }

    /// <summary>Idle agents started ahead of demand per role and profile that waiting tickets need (0: none).</summary>
    public int WarmPool { get; init; }

    /// <summary><c>merge</c>: a merge commit on the target; <c>rebase</c>: the branch's commits replayed onto it (linear history).</summary>
    public MergeStrategy MergeStrategy { get; init; } = MergeStrategy.Merge;

    /// <summary>How many queued merges are merged and gated ahead while one lands (0: none); a prepared result is used only if the target is where it assumed.</summary>
    public int MergePrepareAhead { get; init; } = 2;

    /// <summary><c>local</c>: the merge queue merges into the target; <c>pull_request</c>: a pull request is opened on GitHub and followed.</summary>
    public MergeMode MergeMode { get; init; } = MergeMode.Local;

    public bool PullRequests => MergeMode == MergeMode.PullRequest;
}
