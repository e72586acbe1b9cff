namespace Baton.Core.Tickets;

public sealed record CreateTicketRequest
{
    public required string Title { get; init; }
    public string Body { get; init; } = "";
    public string? Priority { get; init; }
    public IReadOnlyList<string> Labels { get; init; } = [];
    public string? Feature { get; init; }
    public IReadOnlyList<string> DependsOn { get; init; } = [];
    public string? Role { get; init; }
    public string? Agent { get; init; }
    public string? Worker { get; init; }

    /// <summary>The feature's implementor it is for (<c>--implementor</c>): it runs on <c>feature/F/impl-NAME</c>, with the implementor role unless <see cref="Role"/> says otherwise.</summary>
    public string? Implementor { get; init; }
    public int? TimeLimitMinutes { get; init; }
    public string Source { get; init; } = "local";
    public string? ExternalId { get; init; }
    public IReadOnlyList<string> Paths { get; init; } = [];
}

public sealed record UpdateTicketRequest
{
    public string? Status { get; init; }
    public string? Note { get; init; }
    public string? Priority { get; init; }
    public IReadOnlyList<string> AddLabels { get; init; } = [];
    public IReadOnlyList<string> DependsOn { get; init; } = [];
    public string? Summary { get; init; }
    public IReadOnlyList<string> Artifacts { get; init; } = [];

    /// <summary>The branch the work is on (someone working on the ticket by hand): its conflicts are watched.</summary>
    public string? Branch { get; init; }

    /// <summary>Replaces the ticket's declared paths.</summary>
    public IReadOnlyList<string>? Paths { get; init; }

    /// <summary>
    /// Set when a Baton worker reports (BATON_WORKER in its environment): an agent's "done" on a
    /// ticket the autopilot started means "ready for the gate"; a human's means done.
    /// </summary>
    public bool FromAgent { get; init; }

    /// <summary>The reporting worker (BATON_WORKER), so a stale attempt's report is told apart from its successor's.</summary>
    public string? Worker { get; init; }

    /// <summary>Labels to take off.</summary>
    public IReadOnlyList<string> RemoveLabels { get; init; } = [];

    /// <summary>Dependencies to drop (T-n).</summary>
    public IReadOnlyList<string> RemoveDependsOn { get; init; } = [];

    /// <summary>With status blocked: dependency, conflict, external or technical; null: inferred (<see cref="Blocker.Infer"/>).</summary>
    public string? Blocker { get; init; }

    /// <summary>
    /// A person's "done" that skips what protects the work: on a ticket the autopilot is working on
    /// (no gate, no merge), or on one whose dependencies are not done.
    /// </summary>
    public bool Force { get; init; }
}

/// <summary>A ticket with what the rest of the graph says about it.</summary>
public sealed record TicketView(Ticket Ticket, bool Ready, IReadOnlyList<long> BlockedBy, IReadOnlyList<long> Dependents);
