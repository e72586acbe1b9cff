namespace Baton.Core.Tmux;

/// <summary>
/// What a pane shows now, as terminal bytes that redraw it: the screen with its colours
/// (<c>capture-pane -e</c>), then the cursor moved where tmux has it; masked like every capture.
/// </summary>
public sealed record PaneScreen(string Data, int Columns, int Rows);
