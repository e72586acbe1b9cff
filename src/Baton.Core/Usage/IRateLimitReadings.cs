namespace Baton.Core.Usage;

/// <summary>
/// Where the subscription windows reported by the agents (Claude Code's status line) can be read:
/// kept beside each worker run's usage, so a reading is as fresh as the last status line of any
/// worker of the profile. For holds on a subscription window (a profile near its 5-hour limit).
/// </summary>
public interface IRateLimitReadings
{
    /// <summary>Per agent profile, the most recent reading any of its workers reported; profiles that never reported one are absent.</summary>
    IReadOnlyList<RateLimitReading> LatestRateLimits();
}
