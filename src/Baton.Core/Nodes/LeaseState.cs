namespace Baton.Core.Nodes;

/// <summary>Where a lease stands: held by its node, given back when the work left the node, or expired unrenewed.</summary>
public enum LeaseState
{
    Held,
    Released,
    Expired,
}
