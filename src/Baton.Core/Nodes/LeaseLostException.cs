namespace Baton.Core.Nodes;

/// <summary>
/// A write that carried a fencing token was refused: the ticket has a newer lease than the
/// writer's, or the writer's lease expired and the ticket went back to the queue. The node must
/// stop acting on the ticket; nothing was written.
/// </summary>
public sealed class LeaseLostException : BatonException
{
    public LeaseLostException(long ticket, long token, string why)
        : base($"{Tickets.TicketId.Format(ticket)}: the lease with fencing token {token} is no longer this node's ({why}); nothing was written")
    {
        Ticket = ticket;
        Token = token;
    }

    public long Ticket { get; }

    public long Token { get; }
}
