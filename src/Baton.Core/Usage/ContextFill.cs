namespace Baton.Core.Usage;

/// <summary>How full the model's context was at the agent's last request: its input tokens over the model's window (either may be unknown).</summary>
public sealed record ContextFill(long? Tokens, long? Window, string? Model)
{
    /// <summary>Tokens / window, or null when the window is unknown.</summary>
    public double? Fraction => Window is > 0 && Tokens is { } t ? (double)t / Window.Value : null;

    /// <summary>This fill updated by a later report: each part it does not know is kept.</summary>
    public ContextFill Then(ContextFill later)
    {
        ArgumentNullException.ThrowIfNull(later);
        return new(later.Tokens ?? Tokens, later.Window ?? Window, later.Model ?? Model);
    }
}
