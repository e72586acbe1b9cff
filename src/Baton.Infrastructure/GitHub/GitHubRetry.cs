using System.Globalization;
using System.Net;

namespace Baton.Infrastructure.GitHub;

/// <summary>
/// When a GitHub call is tried again, and after how long: network errors, 5xx, 429, and 403s that
/// are rate limits, with exponential backoff, or the time GitHub names (Retry-After,
/// X-RateLimit-Reset). Bounded: a wait longer than <see cref="MaxWait"/> or more than
/// <see cref="MaxAttempts"/> tries end in an error instead of a silent hang.
/// </summary>
public static class GitHubRetry
{
    public const int MaxAttempts = 5;
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Base = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan BackoffCap = TimeSpan.FromSeconds(20);

    /// <summary>
    /// The wait before try <paramref name="attempt"/> + 1 after try <paramref name="attempt"/>
    /// (1-based) failed with <paramref name="status"/> (null: no response), or null to give up.
    /// </summary>
    public static TimeSpan? Delay(int attempt, HttpStatusCode? status, string? retryAfter, string? rateLimitRemaining, string? rateLimitReset, DateTimeOffset now)
    {
        if (attempt >= MaxAttempts || !IsRetryable(status, retryAfter, rateLimitRemaining))
        {
            return null;
        }

        TimeSpan wait;
        if (retryAfter is not null && int.TryParse(retryAfter.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
        {
            wait = TimeSpan.FromSeconds(seconds);
        }
        else if (rateLimitRemaining == "0" && long.TryParse(rateLimitReset, NumberStyles.Integer, CultureInfo.InvariantCulture, out var reset))
        {
            // The reset is a whole second; one more keeps the retry from landing just before it.
            wait = DateTimeOffset.FromUnixTimeSeconds(reset) - now + TimeSpan.FromSeconds(1);
            wait = wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }
        else
        {
            wait = TimeSpan.FromTicks(Math.Min(Base.Ticks << Math.Min(attempt - 1, 20), BackoffCap.Ticks));
        }

        return wait <= MaxWait ? wait : null;
    }

    /// <summary>A 403 is a rate limit (primary: no requests left; secondary: GitHub says when to come back), not a refusal.</summary>
    public static bool IsRetryable(HttpStatusCode? status, string? retryAfter, string? rateLimitRemaining) => status switch
    {
        null => true,
        HttpStatusCode.TooManyRequests => true,
        HttpStatusCode.Forbidden => rateLimitRemaining == "0" || retryAfter is not null,
        _ => (int)status >= 500,
    };
}
