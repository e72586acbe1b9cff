namespace Baton.Core.Notify;

/// <summary><c>notify:</c> in config.yaml: channels, rules, and how deliveries are retried.</summary>
public sealed record NotifyConfig
{
    public static NotifyConfig None { get; } = new();

    public IReadOnlyList<ChannelConfig> Channels { get; init; } = [];

    public IReadOnlyList<NotifyRule> Rules { get; init; } = [];

    /// <summary>Attempts per channel before a delivery fails for good (and escalates).</summary>
    public int MaxAttempts { get; init; } = 6;

    /// <summary>The wait after the first failure; it doubles per attempt up to <see cref="RetryMax"/>.</summary>
    public TimeSpan RetryBase { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan RetryMax { get; init; } = TimeSpan.FromMinutes(5);

    public bool Enabled => Channels.Count > 0 && Rules.Count > 0;

    public ChannelConfig? Channel(string name) => Channels.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal));

    /// <summary>min(base x 2^(n-1), max) after the n-th failed attempt.</summary>
    public TimeSpan RetryDelay(int failedAttempts)
    {
        var n = Math.Clamp(failedAttempts, 1, 30);
        var ticks = RetryBase.Ticks * Math.Pow(2, n - 1);
        return ticks >= RetryMax.Ticks ? RetryMax : TimeSpan.FromTicks((long)ticks);
    }
}
