namespace Baton.Core.Tmux;

/// <summary>One event of tmux control mode, as <see cref="ControlModeParser"/> reads it.</summary>
public sealed record ControlEvent(ControlEventKind Kind)
{
    /// <summary><see cref="ControlEventKind.Output"/>: the pane id (<c>%3</c>); <see cref="ControlEventKind.SessionChanged"/>: the session id (<c>$1</c>).</summary>
    public string? Id { get; init; }

    /// <summary><see cref="ControlEventKind.Output"/>: the bytes, unescaped.</summary>
    public byte[] Data { get; init; } = [];

    /// <summary><see cref="ControlEventKind.Block"/>: the command's number in the server.</summary>
    public long Number { get; init; }

    /// <summary><see cref="ControlEventKind.Block"/>: true when this client sent the command (flags 1), false for the attach itself.</summary>
    public bool FromClient { get; init; }

    /// <summary><see cref="ControlEventKind.Block"/>: it ended with <c>%error</c>.</summary>
    public bool Failed { get; init; }

    /// <summary><see cref="ControlEventKind.Block"/>: the answer's lines.</summary>
    public IReadOnlyList<string> Lines { get; init; } = [];

    /// <summary><see cref="ControlEventKind.Exit"/>: the reason tmux gave, if any; <see cref="ControlEventKind.SessionChanged"/>: the session's name; <see cref="ControlEventKind.Other"/>: the line.</summary>
    public string? Text { get; init; }
}
