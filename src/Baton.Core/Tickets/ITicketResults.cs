namespace Baton.Core.Tickets;

/// <summary>Writes a finished ticket's results file (<see cref="TicketService"/>), for whoever reads results from disk.</summary>
public interface ITicketResults
{
    void WriteResult(Ticket ticket);
}
