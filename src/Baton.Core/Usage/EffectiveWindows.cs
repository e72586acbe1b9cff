namespace Baton.Core.Usage;

/// <summary>
/// The part of a model's context window an agent can really fill before its CLI steps in. Claude
/// Code keeps room for the summary it writes when it compacts (20,000 tokens, or a tenth of
/// a small window) and compacts near 83% of what is left; Codex counts 95% of the
/// model's window as usable (its <c>effective_context_window_percent</c>). Other agents: the whole
/// window. A configured value (<c>handoff.windows</c>, by model name first, then profile name)
/// wins. Pure.
/// </summary>
public static class EffectiveWindows
{
    public const long ClaudeSummaryReserve = 20_000;
    public const int CodexUsablePercent = 95;

    /// <summary>The effective window for <paramref name="agent"/> running <paramref name="model"/> with a raw window of <paramref name="window"/> tokens; null when unknown.</summary>
    public static long? For(string? agent, string? model, long? window, IReadOnlyDictionary<string, long>? configured = null)
    {
        if (configured is not null)
        {
            if (model is not null && configured.TryGetValue(model, out var byModel))
            {
                return byModel;
            }

            if (agent is not null && configured.TryGetValue(agent, out var byAgent))
            {
                return byAgent;
            }
        }

        if (window is not > 0)
        {
            return null;
        }

        var kind = agent ?? "";
        if (kind.StartsWith("claude", StringComparison.OrdinalIgnoreCase))
        {
            return window.Value - Math.Min(ClaudeSummaryReserve, window.Value / 10);
        }

        if (kind.StartsWith("codex", StringComparison.OrdinalIgnoreCase))
        {
            return window.Value * CodexUsablePercent / 100;
        }

        return window.Value;
    }
}
