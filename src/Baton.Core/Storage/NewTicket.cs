using Baton.Core.Tickets;

namespace Baton.Core.Storage;

/// <summary>
/// One ticket of a batch filed together (a plan): its draft (dependencies on tickets that exist
/// already in <see cref="Ticket.DependsOn"/>), and the earlier entries of the same batch it waits
/// for, by their index, since those have no number yet.
/// </summary>
public sealed record NewTicket(Ticket Draft, IReadOnlyList<int> After);
