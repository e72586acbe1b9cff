namespace Baton.Core.Usage;

/// <summary>
/// Tokens an agent used, split the way the vendors bill them: fresh input, output, input written
/// to the prompt cache, and input read from it; plus the cost in USD when the agent reports one.
/// </summary>
public sealed record TokenUsage(long Input, long Output, long CacheCreation, long CacheRead, decimal? CostUsd = null)
{
    public static TokenUsage Zero { get; } = new(0, 0, 0, 0);

    /// <summary>Every input token of the requests: fresh, cache-written and cache-read.</summary>
    public long AllInput => Input + CacheCreation + CacheRead;

    /// <summary>
    /// What the hourly budget (<c>agents.tokens_per_hour</c>) counts: fresh input, cache writes and
    /// output. Cache reads are left out: they cost a tenth of fresh input and would swamp the figure.
    /// </summary>
    public long Budgeted => Input + CacheCreation + Output;

    /// <summary>cache_read / (input + cache_creation + cache_read); null when no input was seen.</summary>
    public double? CacheHitRate => AllInput == 0 ? null : (double)CacheRead / AllInput;

    public bool IsEmpty => Input == 0 && Output == 0 && CacheCreation == 0 && CacheRead == 0 && (CostUsd ?? 0) == 0;

    public static TokenUsage operator +(TokenUsage a, TokenUsage b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return new(a.Input + b.Input, a.Output + b.Output, a.CacheCreation + b.CacheCreation, a.CacheRead + b.CacheRead,
            a.CostUsd is null && b.CostUsd is null ? null : (a.CostUsd ?? 0) + (b.CostUsd ?? 0));
    }

    public static TokenUsage Add(TokenUsage a, TokenUsage b) => a + b;
}
