namespace Baton.IntegrationTests.Support.ModelServer;

/// <summary>
/// Token counts in Anthropic's sense: <see cref="Input"/> excludes the cached tokens, which are
/// counted as <see cref="CacheCreation"/> (written to the cache) and <see cref="CacheRead"/>. On the
/// OpenAI wire the server reports input_tokens = Input + CacheRead and cached_tokens = CacheRead
/// (that API has no cache-creation figure), so the same totals compare across both agents.
/// </summary>
public sealed record ModelUsage(long Input, long Output, long CacheCreation = 0, long CacheRead = 0)
{
    public static ModelUsage Zero { get; } = new(0, 0);

    /// <summary>Every input token the model read: fresh, cache-written and cache-read.</summary>
    public long AllInput => Input + CacheCreation + CacheRead;

    public static ModelUsage operator +(ModelUsage a, ModelUsage b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return new(a.Input + b.Input, a.Output + b.Output, a.CacheCreation + b.CacheCreation, a.CacheRead + b.CacheRead);
    }

    public ModelUsage Add(ModelUsage other) => this + other;
}
