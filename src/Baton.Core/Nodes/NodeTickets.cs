using Baton.Core.Events;
using Baton.Core.Storage;
using Baton.Core.Tickets;

namespace Baton.Core.Nodes;

/// <summary>
/// The ticket store as one node of a fleet sees it, so the autopilot's loop runs unchanged as a
/// node: the tickets in progress or testing it looks after are those it holds a lease on (another
/// node's are that node's business); ready tickets are only those it can run (their
/// <c>requires:</c> labels); a claim takes a lease in the claim's own transaction, and every other
/// change to a ticket it holds carries the lease's fencing token, so the store refuses it once a
/// newer lease exists. Everything else passes through.
/// </summary>
public sealed class NodeTickets : ITicketStore
{
    private readonly ITicketStore _inner;
    private readonly LeaseKeeper _keeper;

    public NodeTickets(ITicketStore inner, LeaseKeeper keeper)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(keeper);
        _inner = inner;
        _keeper = keeper;
    }

    /// <summary>The same node's view over another connection (a background task's): its writes carry the same fencing tokens.</summary>
    public NodeTickets Over(ITicketStore inner) => new(inner, _keeper);

    public IReadOnlyList<Ticket> ListTickets(TicketQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var list = _inner.ListTickets(query);
        return query.Status is TicketStatus.InProgress or TicketStatus.Testing
            ? list.Where(t => _keeper.Holds(t.Number)).ToList()
            : list;
    }

    public IReadOnlyList<Ticket> ReadyTickets(int limit) => _inner.ReadyTickets(limit).Where(_keeper.CanRun).ToList();

    public IReadOnlyList<Ticket> ReadyTickets(int limit, TicketQuery filter) => _inner.ReadyTickets(limit, filter).Where(_keeper.CanRun).ToList();

    public IReadOnlyDictionary<TicketStatus, int> StatusCounts(string? feature) => _inner.StatusCounts(feature);

    public IReadOnlyList<long> ReadyNumbers(string? feature) => _inner.ReadyNumbers(feature);

    public IReadOnlyList<(long Ticket, long DependsOn)> StuckDependencies(string? feature) => _inner.StuckDependencies(feature);

    public IReadOnlyList<long> Numbers(TicketStatus status) => _inner.Numbers(status);

    public IReadOnlyList<(long Ticket, string Worktree)> Worktrees() => _inner.Worktrees();

    public Ticket Mutate(long number, Func<Ticket, TicketMutation> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var claimed = false;
        try
        {
            var next = _inner.Mutate(number, current =>
            {
                var m = change(current);
                // A claim, or a lease asked for outright (a ticket in testing taken for its gate, GateLeases).
                claimed = IsClaim(current, m) || m.Lease is not null;
                // A ticket this node took is fenced with its token, held or lost, until the work was
                // handed on: the merge queue's writes on a ticket in review (perhaps another node's work) are not.
                return claimed ? m with { Lease = m.Lease ?? _keeper.ClaimNow() }
                    : current.Status is not (TicketStatus.Review or TicketStatus.Done) && _keeper.FenceFor(number) is { } token && m.Fence is null ? m with { Fence = token }
                    : m;
            });
            if (claimed)
            {
                _keeper.Claimed(number, next.Assignee!);
            }
            else if (next.Status is not (TicketStatus.InProgress or TicketStatus.Testing) && _keeper.TokenFor(number) is not null)
            {
                _keeper.Forget(number); // this node handed its work on: the store released the lease with the change
            }

            return next;
        }
        catch (LeaseLostException)
        {
            _keeper.Refused(number); // its agent is ended at the node's next step
            throw;
        }
    }

    /// <summary>A claim: an unassigned ticket gets an assignee and starts (the dispatcher's claim, a restart's).</summary>
    private static bool IsClaim(Ticket current, TicketMutation m) =>
        current.Assignee is null && m.Next.Assignee is not null && m.Next.Status == TicketStatus.InProgress;

    public Ticket CreateTicket(Ticket draft, Func<Ticket, EventRecord> created) => _inner.CreateTicket(draft, created);

    public IReadOnlyList<Ticket> CreateTickets(IReadOnlyList<NewTicket> tickets, Func<Ticket, EventRecord> created, Func<IReadOnlyList<Ticket>, EventRecord> filed) =>
        _inner.CreateTickets(tickets, created, filed);

    public Ticket? GetTicket(long number) => _inner.GetTicket(number);

    public Ticket? GetTicketByExternalId(string externalId) => _inner.GetTicketByExternalId(externalId);

    public IReadOnlyDictionary<long, TicketStatus> Statuses() => _inner.Statuses();

    public IReadOnlyDictionary<long, TicketStatus> Statuses(IReadOnlyCollection<long> numbers) => _inner.Statuses(numbers);

    public IReadOnlyList<long> Dependents(long number) => _inner.Dependents(number);

    public IReadOnlyDictionary<long, IReadOnlyList<long>> AllDependents() => _inner.AllDependents();

    public Feature AddFeature(Feature feature, EventRecord added) => _inner.AddFeature(feature, added);

    public Feature? GetFeature(string name) => _inner.GetFeature(name);

    public IReadOnlyList<Feature> Features() => _inner.Features();

    public void SetFeature(Feature feature, EventRecord changed) => _inner.SetFeature(feature, changed);

    public IReadOnlyList<FeatureStatus> FeatureStatuses() => _inner.FeatureStatuses();

    public IReadOnlyList<(long? Ticket, string Kind, string Description)> ActiveBlockers() => _inner.ActiveBlockers();

    public IReadOnlyList<(string BranchA, string BranchB, string Severity, string Files)> ActiveConflicts() => _inner.ActiveConflicts();

    public IReadOnlyList<Blocker> Blockers(long ticket) => _inner.Blockers(ticket);
}
