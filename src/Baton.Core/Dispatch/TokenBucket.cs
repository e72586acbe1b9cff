namespace Baton.Core.Dispatch;

/// <summary>
/// The spawn rate limit: <see cref="Capacity"/> tokens, refilled at <see cref="PerMinute"/> a minute;
/// each spawn takes one. Pure but for the times passed in, so tests drive it with any clock.
/// Owned by the autopilot's loop thread.
/// </summary>
public sealed class TokenBucket
{
    // Refills in small steps add up in floating point: 0.9 + 0.1 must count as a whole token.
    private const double Epsilon = 1e-9;
    private double _tokens;
    private DateTimeOffset _at;

    public TokenBucket(int capacity, int perMinute, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(perMinute, 1);
        Capacity = capacity;
        PerMinute = perMinute;
        _tokens = capacity;
        _at = now;
    }

    public int Capacity { get; }
    public int PerMinute { get; }

    /// <summary>Whole tokens available at <paramref name="now"/>.</summary>
    public int Available(DateTimeOffset now)
    {
        Refill(now);
        return (int)Math.Floor(_tokens + Epsilon);
    }

    public bool TryTake(DateTimeOffset now)
    {
        Refill(now);
        if (_tokens + Epsilon < 1)
        {
            return false;
        }

        _tokens = Math.Max(0, _tokens - 1);
        return true;
    }

    /// <summary>
    /// Takes <paramref name="amount"/> whatever is left: the bucket may go into debt, which the
    /// refill pays off first (tokens a turn already used cannot be refused, only waited out).
    /// </summary>
    public void Spend(double amount, DateTimeOffset now)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amount);
        Refill(now);
        _tokens -= amount;
    }

    private void Refill(DateTimeOffset now)
    {
        if (now > _at)
        {
            _tokens = Math.Min(Capacity, _tokens + (now - _at).TotalMinutes * PerMinute);
            _at = now;
        }
    }
}
