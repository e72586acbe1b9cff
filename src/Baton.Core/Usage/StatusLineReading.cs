namespace Baton.Core.Usage;

/// <summary>
/// What one run of Claude Code's status-line command told Baton: the context fill of the last
/// request, the session's cost so far (a running total, not an increment), and the subscription
/// windows when the account has them.
/// </summary>
public sealed record StatusLineReading(ContextFill? Context, decimal? SessionCostUsd, RateLimits? RateLimits)
{
    /// <summary>Nothing worth storing: before the first request Claude Code reports no usage and no cost.</summary>
    public bool IsEmpty => Context is null && (SessionCostUsd ?? 0) == 0 && RateLimits is null;
}
