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

    public AutopilotConfig Autopilot { get; init; } = new();

    public GitHubConfig GitHub { get; init; } = new();

    /// <summary>When a worker's context is full enough to hand its ticket to a fresh agent (<c>handoff:</c>).</summary>
    public Handoff.HandoffConfig Handoff { get; init; } = new();

    /// <summary>Notification channels and rules (<c>notify:</c>); none by default.</summary>
    public Notify.NotifyConfig Notify { get; init; } = Baton.Core.Notify.NotifyConfig.None;

    public static BatonConfig Default { get; } = new();
}
