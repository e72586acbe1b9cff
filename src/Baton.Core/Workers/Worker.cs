namespace Baton.Core.Workers;

/// <summary>One agent Baton started, as the store keeps it.</summary>
public sealed record Worker
{
    public required string Name { get; init; }
    public required string Agent { get; init; }
    public string? Role { get; init; }
    public required WorkerMode Mode { get; init; }

    /// <summary>tmux session name (tmux mode) or null.</summary>
    public string? Session { get; init; }

    /// <summary>tmux socket name (<c>-L</c>) the session lives on; null for the default server.</summary>
    public string? Socket { get; init; }

    public required string Directory { get; init; }
    public required WorkerState State { get; init; }

    /// <summary>Which signal decided the current state and what it saw.</summary>
    public string? Evidence { get; init; }

    public required DateTimeOffset StateSince { get; init; }

    /// <summary>When Baton last looked at the worker's screen or process.</summary>
    public DateTimeOffset? ObservedAt { get; init; }

    public int? ExitCode { get; init; }
    public int? Pid { get; init; }
    public string? LogPath { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>The state the agent last reported itself through a hook, if it has hooks.</summary>
    public Monitoring.HookSignal? Hook { get; init; }

    /// <summary>How far into its hook spool file Baton has read.</summary>
    public long HookOffset { get; init; }

    /// <summary>The agent's transcript file its hooks named (Claude Code's JSONL), whose usage Baton reads.</summary>
    public string? Transcript { get; init; }

    /// <summary>How far into <see cref="Transcript"/> Baton has counted usage.</summary>
    public long TranscriptOffset { get; init; }

    /// <summary>The ticket the autopilot gave this worker, if any.</summary>
    public long? Ticket { get; init; }

    /// <summary><see cref="Ticket"/> as T-n, for events and output.</summary>
    public string? TicketId => Ticket is { } n ? Tickets.TicketId.Format(n) : null;

    /// <summary>While <see cref="WorkerState.Paused"/>: when the agent's usage limit resets.</summary>
    public DateTimeOffset? PausedUntil { get; init; }
}
