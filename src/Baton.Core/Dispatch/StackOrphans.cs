using Baton.Core.Merge;
using Baton.Core.Storage;
using Baton.Core.Tickets;

namespace Baton.Core.Dispatch;

/// <summary>
/// A step of the loop (stack_dependents): tickets stacked on a parent that failed or was
/// cancelled are stopped and requeued (<see cref="TicketLifecycle.UnstackAsync"/>) at once, not
/// left to build on work that will not land. A parent sent back to its agent (a merge conflict)
/// still may land: its dependents go on, and are rebased once it does.
/// </summary>
public sealed class StackOrphans
{
    private readonly ITicketStore _tickets;
    private readonly IMergeStore _merges;
    private readonly TicketLifecycle _life;

    public StackOrphans(ITicketStore tickets, IMergeStore merges, TicketLifecycle life)
    {
        _tickets = tickets;
        _merges = merges;
        _life = life;
    }

    public async Task StepAsync(TickReport report, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(report);
        IReadOnlyList<MergeRequest>? open = null;
        foreach (var status in new[] { TicketStatus.Queued, TicketStatus.InProgress, TicketStatus.Testing, TicketStatus.Review })
        {
            foreach (var ticket in _tickets.ListTickets(new TicketQuery(status)).Where(t => t.StackedOn is not null))
            {
                if (_tickets.GetTicket(ticket.StackedOn!.Value) is not { Status: TicketStatus.Failed or TicketStatus.Cancelled } parent)
                {
                    continue;
                }

                open ??= _merges.MergeRequests(openOnly: true);
                await _life.UnstackAsync(ticket, parent, open.FirstOrDefault(m => m.Ticket == ticket.Number), ct).ConfigureAwait(false);
                report.Add("requeued", ticket.Id, ticket.Assignee, $"{ticket.Id}: stopped and requeued: its stack parent {parent.Id} is {parent.Status.ToText()}");
            }
        }
    }
}
