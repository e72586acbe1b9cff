namespace Baton.Core.Nodes;

/// <summary>
/// Asks the ticket store to take a lease for the mutation's assignee in the transaction that
/// records it: refused (<see cref="LeaseHeldException"/>) while another node's lease on the ticket
/// is held and unexpired.
/// </summary>
public sealed record LeaseClaim(string Node, DateTimeOffset At, TimeSpan Ttl);
