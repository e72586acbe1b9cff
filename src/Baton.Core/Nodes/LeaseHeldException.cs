namespace Baton.Core.Nodes;

/// <summary>A claim found the ticket leased by another node (held and unexpired): the claim is lost, nothing was written.</summary>
public sealed class LeaseHeldException : BatonException
{
    public LeaseHeldException(long ticket, string node, long token)
        : base($"{Tickets.TicketId.Format(ticket)} is leased by node '{node}' (fencing token {token})")
    {
    }
}
