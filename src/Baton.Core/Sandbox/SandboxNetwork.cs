namespace Baton.Core.Sandbox;

/// <summary>What a sandboxed worker may reach on the network.</summary>
public enum SandboxNetwork
{
    /// <summary>The host's network, as an unconfined agent has (the default: the model API must stay reachable).</summary>
    Allow,

    /// <summary>A network namespace of its own with nothing in it: no host, not even the host's 127.0.0.1.</summary>
    None,

    /// <summary>A network namespace of its own with its loopback up: the agent's own 127.0.0.1 only, never the host's.</summary>
    Loopback,
}
