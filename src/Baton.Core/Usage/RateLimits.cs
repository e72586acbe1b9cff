namespace Baton.Core.Usage;

/// <summary>
/// The subscription windows an agent's account is metered on, as its CLI last reported them
/// (Claude Code's status line: <c>rate_limits.five_hour</c> and <c>rate_limits.seven_day</c>),
/// and when Baton took the reading. Either window may be missing.
/// </summary>
public sealed record RateLimits(RateLimitWindow? FiveHour, RateLimitWindow? SevenDay, DateTimeOffset ObservedAt)
{
    public bool IsEmpty => FiveHour is null && SevenDay is null;
}
