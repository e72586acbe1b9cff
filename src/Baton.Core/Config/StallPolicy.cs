namespace Baton.Core.Config;

/// <summary>What the loop does with a stalled agent after its last nudge (<c>autopilot.on_stall</c>).</summary>
public enum StallPolicy
{
    /// <summary><c>restart</c>: a fresh agent on the same worktree.</summary>
    Restart,

    /// <summary><c>fail</c>: the ticket fails.</summary>
    Fail,
}
