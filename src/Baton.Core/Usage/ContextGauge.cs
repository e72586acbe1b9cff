namespace Baton.Core.Usage;

/// <summary>
/// A worker's context fill as Baton measures it from outside the agent: the tokens of its last
/// request over the effective window of its model (<see cref="EffectiveWindows"/>).
/// </summary>
public sealed record ContextGauge(long Tokens, long? Window, long? EffectiveWindow, string? Model)
{
    /// <summary>Percent of the effective window in use (may pass 100 when a configured window is small), or null when the window is unknown.</summary>
    public double? Percent => EffectiveWindow is > 0 ? Math.Round(100.0 * Tokens / EffectiveWindow.Value, 1) : null;

    /// <summary>The gauge of a stored fill; null when no request was seen yet.</summary>
    public static ContextGauge? Of(string? agent, ContextFill? fill, IReadOnlyDictionary<string, long>? configured = null) =>
        fill is { Tokens: { } tokens }
            ? new ContextGauge(tokens, fill.Window, EffectiveWindows.For(agent, fill.Model, fill.Window, configured), fill.Model)
            : null;
}
