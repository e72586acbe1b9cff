namespace Baton.Core.Planning;

/// <summary>One ticket of a planning agent's graph (see docs/planning.md and <c>.baton/plan/schema.json</c>).</summary>
public sealed record PlannedTicket
{
    /// <summary>The ticket's name inside the plan; <see cref="DependsOn"/> names other tickets by it (or an existing ticket as T-n).</summary>
    public required string Key { get; init; }
    public required string Title { get; init; }
    public string Body { get; init; } = "";

    /// <summary>A Baton role to run it (implementor, worker...), or null for the autopilot's default.</summary>
    public string? Role { get; init; }

    /// <summary>Free text kind of work (backend, ui, docs); filed as the label <c>speciality:X</c>.</summary>
    public string? Speciality { get; init; }
    public string? Priority { get; init; }
    public IReadOnlyList<string> DependsOn { get; init; } = [];

    /// <summary>Globs of the files it will touch (the conflict radar's rules).</summary>
    public IReadOnlyList<string> Paths { get; init; } = [];

    /// <summary>How to know it is done: each check one line, at least one.</summary>
    public IReadOnlyList<string> Acceptance { get; init; } = [];
    public IReadOnlyList<string> Labels { get; init; } = [];
}
