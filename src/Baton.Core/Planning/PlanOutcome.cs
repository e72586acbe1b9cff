using Baton.Core.Tickets;

namespace Baton.Core.Planning;

/// <summary>One answer of the planning agent and what Baton found wrong with it.</summary>
public sealed record PlanRound(int Number, string Worker, string Agent, int? ExitCode, string? Json, IReadOnlyList<PlanError> Errors);

/// <summary>
/// How a plan ended: valid (filed, or not with a dry run) or still invalid after the repair round.
/// <see cref="Filed"/>[i] is the ticket filed for <see cref="Graph"/>'s ticket i; <see cref="Layers"/>
/// are the plan's keys by dependency depth (a layer's tickets may run in parallel).
/// </summary>
public sealed record PlanOutcome
{
    public required bool Valid { get; init; }
    public required bool DryRun { get; init; }
    public PlanGraph? Graph { get; init; }

    /// <summary>What is wrong with the last answer; empty when valid.</summary>
    public IReadOnlyList<PlanError> Errors { get; init; } = [];
    public required IReadOnlyList<PlanRound> Rounds { get; init; }
    public IReadOnlyList<Ticket> Filed { get; init; } = [];
    public IReadOnlyList<IReadOnlyList<string>> Layers { get; init; } = [];

    /// <summary>Where the published schema is.</summary>
    public required string SchemaFile { get; init; }
}
