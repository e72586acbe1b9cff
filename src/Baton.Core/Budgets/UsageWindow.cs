namespace Baton.Core.Budgets;

/// <summary>
/// One subscription window as an agent last reported it: Codex's <c>rate_limits.primary</c> (five
/// hours) and <c>secondary</c> (a week), Claude Code's status line <c>rate_limits.five_hour</c> and <c>seven_day</c>.
/// </summary>
public sealed record UsageWindow(string Agent, string Window, double UsedPercent, DateTimeOffset? ResetsAt, DateTimeOffset At)
{
    /// <summary>When a window without a reported reset is looked at again: the usage-limit pause's own wait.</summary>
    public DateTimeOffset Until => ResetsAt ?? At + Dispatch.UsageLimitPause.DefaultWait;
}
