namespace Baton.Core.Config;

/// <summary>The project's settings from <c>.baton/config.yaml</c>, with documented defaults.</summary>
public sealed record BatonConfig
{
    /// <summary>Prefix of every tmux session Baton creates; <c>claude-</c> reproduces the classic naming.</summary>
    public string SessionPrefix { get; init; } = "baton-";

    /// <summary>tmux <c>-L</c> socket; null means the user's default server.</summary>
    public string? TmuxSocket { get; init; }

    public int PaneWidth { get; init; } = 160;
    public int PaneHeight { get; init; } = 48;
    public string DefaultAgent { get; init; } = "claude";

    /// <summary>How many times Enter is retried when a typed prompt was not submitted.</summary>
    public int SubmitRetries { get; init; } = 3;

    /// <summary>How long a write waits for another process's write lock on the store before the command fails (<c>store.busy_timeout</c>).</summary>
    public TimeSpan StoreBusyTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The shared store's URL (<c>store.url</c>, postgres://USER@HOST[:PORT]/DB, no password); null: .baton/baton.db.</summary>
    public string? StoreUrl { get; init; }

    public AutopilotConfig Autopilot { get; init; } = new();

    public GitHubConfig GitHub { get; init; } = new();

    /// <summary>Leases of `baton node` (nodes.lease_ttl, nodes.heartbeat).</summary>
    public Nodes.NodesConfig Nodes { get; init; } = new();

    /// <summary>How a CI runner gets Baton (<c>ci.install</c>, a shell command): `baton ci generate` adds a conflicts job only with it.</summary>
    public string? CiInstall { get; init; }

    /// <summary>Age past which `baton gc` (and `baton up`, every <see cref="CleanupEvery"/>) removes failed and cancelled tickets' worktrees, closed branches, ended sessions and logs (<c>workspace.cleanup_after</c>).</summary>
    public TimeSpan CleanupAfter { get; init; } = TimeSpan.FromHours(24);

    /// <summary>Where worktrees are made (<c>workspace.base_dir</c>, relative to the repository's root); null: .baton/worktrees. <see cref="BatonPaths.WithWorktreesIn"/> resolves it.</summary>
    public string? WorktreeBaseDir { get; init; }

    /// <summary>How often `baton up` runs the workspace clean-up (<c>workspace.cleanup_every</c>; 0 turns it off).</summary>
    public TimeSpan CleanupEvery { get; init; } = TimeSpan.FromHours(1);

    /// <summary>When a worker's context is full enough to hand its ticket to a fresh agent (<c>handoff:</c>).</summary>
    public Handoff.HandoffConfig Handoff { get; init; } = new();

    /// <summary>Soft-limit percent, subscription-window hold and per-profile rates (<c>budgets:</c>); the budgets themselves are in the store.</summary>
    public Budgets.BudgetConfig Budgets { get; init; } = new();

    /// <summary>Notification channels and rules (<c>notify:</c>); none by default.</summary>
    public Notify.NotifyConfig Notify { get; init; } = Baton.Core.Notify.NotifyConfig.None;

    /// <summary>How workers are confined (<c>sandbox:</c>); none by default.</summary>
    public Sandbox.SandboxSettings Sandbox { get; init; } = Baton.Core.Sandbox.SandboxSettings.Unset;

    public static BatonConfig Default { get; } = new();
}
