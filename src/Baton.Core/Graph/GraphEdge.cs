namespace Baton.Core.Graph;

/// <summary>
/// An edge of the ticket graph. <c>depends</c>: <see cref="To"/> waits for <see cref="From"/>;
/// <c>stack</c>: <see cref="To"/>'s branch was made from <see cref="From"/>'s unmerged one;
/// <c>conflict</c>: their live branches are predicted to conflict in <see cref="Files"/>.
/// </summary>
public sealed record GraphEdge(string From, string To, string Kind, bool Critical)
{
    public const string Depends = "depends";
    public const string Stack = "stack";
    public const string Conflict = "conflict";

    /// <summary>A conflict's severity (<c>conflict</c> edges only).</summary>
    public string? Severity { get; init; }

    /// <summary>The files both branches change in a way that conflicts (<c>conflict</c> edges only).</summary>
    public IReadOnlyList<string>? Files { get; init; }
}
