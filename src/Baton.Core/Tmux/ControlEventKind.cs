namespace Baton.Core.Tmux;

/// <summary>What one line (or block of lines) of tmux control mode said.</summary>
public enum ControlEventKind
{
    /// <summary><c>%output %PANE data</c>: bytes the pane's program wrote.</summary>
    Output,

    /// <summary>A command's answer: the lines between <c>%begin</c> and <c>%end</c> (or <c>%error</c>).</summary>
    Block,

    /// <summary><c>%exit [reason]</c>: the client is leaving (the session ended, or it was detached).</summary>
    Exit,

    /// <summary><c>%session-changed $ID NAME</c>: the client is now attached to that session.</summary>
    SessionChanged,

    /// <summary>Any other notification (layout, windows, ...), which a pane feed does not need.</summary>
    Other,
}
