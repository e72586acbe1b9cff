namespace Baton.Core.Graph;

/// <summary>Where <see cref="GraphLayout"/> put each node (layer, centre), and the drawing's size.</summary>
public sealed record GraphPlacement(IReadOnlyDictionary<long, (int Layer, int X, int Y)> Positions, int Width, int Height);
