namespace Baton.Core.Dispatch;

/// <summary>Why the wait for the autopilot's next tick ended (<see cref="TickWait"/>).</summary>
public enum WakeReason
{
    /// <summary>The tick passed.</summary>
    Tick,

    /// <summary>Background work started by the loop finished (a spawn, a gate, a merge, a clean-up).</summary>
    Background,

    /// <summary>Another process changed the store (an agent's `baton ticket done`, a person's `baton ticket create`).</summary>
    Store,

    /// <summary>An agent's hook call was spooled.</summary>
    Hook,

    /// <summary>The wait was cancelled.</summary>
    Cancelled,
}
