namespace Baton.Core.Graph;

/// <summary>
/// The ticket graph as the page draws it: placed nodes, their edges, the critical path (ids, from
/// its first ticket to its last), the size of the drawing, and how many tickets were left out to
/// keep it bounded.
/// </summary>
public sealed record TicketGraph(
    IReadOnlyList<GraphNode> Nodes,
    IReadOnlyList<GraphEdge> Edges,
    IReadOnlyList<string> CriticalPath,
    int Width,
    int Height,
    int Tickets,
    int Omitted);
