namespace Baton.Core.Usage;

/// <summary>
/// Context windows of models by name, for when the agent does not report one (Claude Code reports
/// <c>contextWindow</c> in its result's modelUsage; Codex reports none). A small table by prefix:
/// an unknown model has an unknown window, never a guessed one.
/// </summary>
public static class ContextWindows
{
    private static readonly (string Prefix, long Window)[] Known =
    [
        ("gpt-5", 400_000),
        ("gpt-4.1", 1_047_576),
        ("o3", 200_000),
        ("o4-mini", 200_000),
        ("claude-", 200_000),
        ("gemini-2.5", 1_048_576),
    ];

    public static long? For(string? model)
    {
        if (string.IsNullOrEmpty(model))
        {
            return null;
        }

        // Claude Code names its one-million-token variants with a "[1m]" suffix.
        if (model.EndsWith("[1m]", StringComparison.OrdinalIgnoreCase))
        {
            return 1_000_000;
        }

        foreach (var (prefix, window) in Known)
        {
            if (model.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return window;
            }
        }

        return null;
    }
}
