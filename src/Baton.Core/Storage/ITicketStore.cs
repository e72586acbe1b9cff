using Baton.Core.Events;
using Baton.Core.Tickets;

namespace Baton.Core.Storage;

/// <summary>Filters for listing tickets; null means any.</summary>
public sealed record TicketQuery(TicketStatus? Status = null, string? Label = null, string? Feature = null, string? Assignee = null)
{
    /// <summary>At most this many, lowest numbers first (null: all).</summary>
    public int? Limit { get; init; }

    /// <summary>Only tickets not finished (done, failed or cancelled ones left out by the store, not after reading them).</summary>
    public bool Unfinished { get; init; }
}

/// <summary>What a change does to a ticket: its new row, the events that say so, and dependencies it gains.</summary>
public sealed record TicketMutation(Ticket Next, IReadOnlyList<EventRecord> Events, IReadOnlyList<long>? NewDependencies = null)
{
    /// <summary>A merge request added (id 0) or changed with the ticket, in the same transaction.</summary>
    public Merge.MergeRequest? MergeRequest { get; init; }

    /// <summary>Dependencies dropped with the change, in the same transaction.</summary>
    public IReadOnlyList<long>? RemovedDependencies { get; init; }

    /// <summary>
    /// The blocker opened when the change moves the ticket to blocked (null: technical, with the
    /// ticket's note). The store opens it, and resolves the ticket's active ones when it moves on.
    /// </summary>
    public Tickets.BlockerReason? Blocker { get; init; }

    /// <summary>Takes a lease on the ticket for its new assignee in the same transaction (a node's claim); null: none.</summary>
    public Nodes.LeaseClaim? Lease { get; init; }

    /// <summary>
    /// The fencing token of the lease the writer acts under: the store refuses the whole change
    /// (<see cref="Nodes.LeaseLostException"/>) when the ticket has a newer lease or this one expired.
    /// </summary>
    public long? Fence { get; init; }
}

/// <summary>Tickets, their dependencies and features. Every change runs inside one write transaction.</summary>
public interface ITicketStore
{
    /// <summary>Numbers and stores a new ticket with its dependencies (which must exist) and its event.</summary>
    Ticket CreateTicket(Ticket draft, Func<Ticket, EventRecord> created);

    /// <summary>
    /// Numbers and stores several tickets in one transaction (all or none), each with its event, then
    /// <paramref name="filed"/>'s event for the batch; an entry may depend only on earlier ones.
    /// </summary>
    IReadOnlyList<Ticket> CreateTickets(IReadOnlyList<NewTicket> tickets, Func<Ticket, EventRecord> created, Func<IReadOnlyList<Ticket>, EventRecord> filed);

    Ticket? GetTicket(long number);

    Ticket? GetTicketByExternalId(string externalId);

    IReadOnlyList<Ticket> ListTickets(TicketQuery query);

    /// <summary>Open or queued tickets whose dependencies are all done, in dispatch order.</summary>
    IReadOnlyList<Ticket> ReadyTickets(int limit);

    /// <summary>Ready tickets matching <paramref name="filter"/> in dispatch order, filtered before the limit.</summary>
    IReadOnlyList<Ticket> ReadyTickets(int limit, TicketQuery filter);

    /// <summary>How many tickets have each status (only the feature's when given): one grouped query, no rows read.</summary>
    IReadOnlyDictionary<TicketStatus, int> StatusCounts(string? feature);

    /// <summary>Numbers of the ready tickets (only the feature's when given) in dispatch order.</summary>
    IReadOnlyList<long> ReadyNumbers(string? feature);

    /// <summary>Every (ticket, dependency) where the dependency failed or was cancelled (<see cref="TicketRules.BlockedBy"/>), by ticket.</summary>
    IReadOnlyList<(long Ticket, long DependsOn)> StuckDependencies(string? feature);

    /// <summary>Numbers of the tickets with <paramref name="status"/>, without reading their rows.</summary>
    IReadOnlyList<long> Numbers(TicketStatus status);

    /// <summary>Every ticket with a worktree recorded, with that path.</summary>
    IReadOnlyList<(long Ticket, string Worktree)> Worktrees();

    /// <summary>The status of every ticket, for readiness and blocking.</summary>
    IReadOnlyDictionary<long, TicketStatus> Statuses();

    /// <summary>The status of the tickets named (those that exist): a ticket's dependencies, without reading every row.</summary>
    IReadOnlyDictionary<long, TicketStatus> Statuses(IReadOnlyCollection<long> numbers);

    /// <summary>Numbers of the tickets that depend on <paramref name="number"/>.</summary>
    IReadOnlyList<long> Dependents(long number);

    /// <summary>For every ticket that others depend on, those others: one query for a whole listing.</summary>
    IReadOnlyDictionary<long, IReadOnlyList<long>> AllDependents();

    /// <summary>
    /// Reads the ticket and applies <paramref name="change"/> to it inside one write transaction,
    /// so concurrent changes never lose an update and a check such as "not yet assigned" holds
    /// when the write happens. A dependency that would close a cycle is refused, naming it.
    /// </summary>
    Ticket Mutate(long number, Func<Ticket, TicketMutation> change);

    Feature AddFeature(Feature feature, EventRecord added);

    Feature? GetFeature(string name);

    IReadOnlyList<Feature> Features();

    /// <summary>Updates a feature's base branch and status, with its event.</summary>
    void SetFeature(Feature feature, EventRecord changed);

    IReadOnlyList<FeatureStatus> FeatureStatuses();

    /// <summary>Active blockers as (ticket, kind, description).</summary>
    IReadOnlyList<(long? Ticket, string Kind, string Description)> ActiveBlockers();

    /// <summary>Active predicted conflicts as (branch a, branch b, severity, files).</summary>
    IReadOnlyList<(string BranchA, string BranchB, string Severity, string Files)> ActiveConflicts();

    /// <summary>A ticket's blockers, oldest first (active and resolved).</summary>
    IReadOnlyList<Tickets.Blocker> Blockers(long ticket);
}
