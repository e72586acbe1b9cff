namespace Baton.Core.Tmux;

/// <summary>A worker's pane: its tmux session on its server (<c>-L</c> socket, null for the default one).</summary>
public sealed record PaneTarget(string? Socket, string Session);
