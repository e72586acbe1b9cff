namespace Baton.Core.Usage;

/// <summary>The latest subscription-window reading of one agent profile, and the worker that reported it.</summary>
public sealed record RateLimitReading(string Agent, string Worker, RateLimits Limits);
