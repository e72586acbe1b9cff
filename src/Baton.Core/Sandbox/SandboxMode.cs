namespace Baton.Core.Sandbox;

/// <summary>How a worker is confined: not at all, or in a bubblewrap sandbox (docs/sandbox.md).</summary>
public enum SandboxMode
{
    None,
    Bwrap,
}
