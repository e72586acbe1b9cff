namespace Baton.Core.Dispatch;

/// <summary>How long a ticket whose agent crashed waits before its next attempt: min(base x 2^(n-1), max).</summary>
public static class RetryPolicy
{
    public static TimeSpan Delay(int failedAttempts, TimeSpan baseDelay, TimeSpan max)
    {
        if (failedAttempts < 1)
        {
            return TimeSpan.Zero;
        }

        var factor = Math.Pow(2, Math.Min(failedAttempts - 1, 30));
        var seconds = Math.Min(baseDelay.TotalSeconds * factor, max.TotalSeconds);
        return TimeSpan.FromSeconds(seconds);
    }
}
