namespace Baton.Core.Tickets;

/// <summary>One unit of work, as the store keeps it.</summary>
public sealed record Ticket
{
    public required long Number { get; init; }
    public string Id => TicketId.Format(Number);
    public required string Title { get; init; }
    public string Body { get; init; } = "";
    public required TicketStatus Status { get; init; }
    public Priority Priority { get; init; } = Priority.Medium;
    public IReadOnlyList<string> Labels { get; init; } = [];
    public string? Feature { get; init; }

    /// <summary>Ticket numbers this one waits for.</summary>
    public IReadOnlyList<long> DependsOn { get; init; } = [];

    public string? Assignee { get; init; }

    /// <summary>The worker a file-inbox task asked for, until it is assigned.</summary>
    public string? WorkerWanted { get; init; }
    public string? RoleWanted { get; init; }
    public string? AgentWanted { get; init; }
    public int Attempts { get; init; }

    /// <summary>Most minutes the ticket may run once started; null for no limit.</summary>
    public int? TimeLimitMinutes { get; init; }

    /// <summary><c>local</c>, <c>github#N</c> or <c>file:PATH</c>.</summary>
    public string Source { get; init; } = "local";

    /// <summary>The id the ticket has where it came from (a file-inbox task_id), unique.</summary>
    public string? ExternalId { get; init; }

    public string? Branch { get; init; }

    /// <summary>The branch <see cref="Branch"/> was made from and merges back into.</summary>
    public string? Target { get; init; }

    /// <summary>A retried ticket waits until then before it is dispatched again (exponential backoff).</summary>
    public DateTimeOffset? RetryAt { get; init; }

    /// <summary>Nudges sent since the agent last showed progress, and when the last one went.</summary>
    public int Nudges { get; init; }
    public DateTimeOffset? NudgedAt { get; init; }

    /// <summary>Gate runs that failed and went back to the agent.</summary>
    public int GateFailures { get; init; }
    public string? Worktree { get; init; }

    /// <summary>Globs of the files the ticket expects to change (<c>--paths</c>); with <c>hold_on_overlap</c> it waits while live branches change them.</summary>
    public IReadOnlyList<string> Paths { get; init; } = [];

    /// <summary>The unmerged ticket whose branch this one's was made from (<c>stack_dependents</c>); it lands after that one and is rebased onto the target once that one merged.</summary>
    public long? StackedOn { get; init; }
    public string? Summary { get; init; }
    public IReadOnlyList<string> Artifacts { get; init; } = [];
    public string? Note { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
}
