namespace Baton.Core.Usage;

/// <summary>One subscription window as the agent reports it: how much of it is used (0-100) and when it resets (null: not said).</summary>
public sealed record RateLimitWindow(double UsedPercent, DateTimeOffset? ResetsAt);
