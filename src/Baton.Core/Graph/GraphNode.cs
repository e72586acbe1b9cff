namespace Baton.Core.Graph;

/// <summary>One ticket in the graph, placed by <see cref="GraphLayout"/>: the centre of its box at (X, Y).</summary>
public sealed record GraphNode(
    string Id,
    long Number,
    string Title,
    string Status,
    string Priority,
    string? Feature,
    string? Assignee,
    string? Branch,
    int Layer,
    int X,
    int Y,
    bool Critical);
