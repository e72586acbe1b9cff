namespace Baton.Core.Tickets;

/// <summary>
/// Why a ticket is blocked, as the <c>blockers</c> table keeps it: opened when the ticket moves to
/// <c>blocked</c>, resolved when it moves on (the store does both with the status change).
/// </summary>
public sealed record Blocker(long Id, long Ticket, string Kind, string Description, string Status, DateTimeOffset CreatedAt, DateTimeOffset? ResolvedAt)
{
    public const string Dependency = "dependency";
    public const string Conflict = "conflict";
    public const string External = "external";
    public const string Technical = "technical";

    public static readonly IReadOnlyList<string> Kinds = [Dependency, Conflict, External, Technical];

    /// <summary>
    /// The kind when none is given: a ticket with unfinished dependencies waits for them; one with
    /// an active conflict on its branch waits for that; anything else is technical.
    /// </summary>
    public static string Infer(Ticket ticket, Func<long, TicketStatus?> statusOf, bool branchInConflict)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(statusOf);
        return ticket.DependsOn.Any(d => statusOf(d) is not TicketStatus.Done) ? Dependency
            : branchInConflict ? Conflict
            : Technical;
    }
}

/// <summary>The blocker a move to <c>blocked</c> opens: its kind (one of <see cref="Blocker.Kinds"/>) and what blocks it.</summary>
public sealed record BlockerReason(string Kind, string Description);
