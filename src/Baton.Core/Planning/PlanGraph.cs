namespace Baton.Core.Planning;

/// <summary>A planning agent's answer, read from its JSON: the tickets in the order it gave them.</summary>
public sealed record PlanGraph(IReadOnlyList<PlannedTicket> Tickets)
{
    public string? Summary { get; init; }
}
