namespace Baton.Core.GitHub;

/// <summary>
/// When `baton up` talks to GitHub next. Polls (importing labelled issues, following pull
/// requests) come once per interval. A rate limit holds every call until GitHub's reset time (or a
/// backoff when it named none); any other failure backs off exponentially from the interval up to
/// <see cref="MaxBackoff"/>. Each streak of failures is reported once, when it starts (and again
/// only if the message changes), and its end once: a GitHub that is down for an hour gives two
/// lines, not one per tick. Owned by the loop thread.
/// </summary>
public sealed class GitHubPollSchedule
{
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(15);
    private readonly TimeSpan _interval;
    private readonly TimeProvider _time;
    private DateTimeOffset _nextPoll = DateTimeOffset.MinValue;
    private DateTimeOffset _holdUntil = DateTimeOffset.MinValue;
    private int _failures;
    private string? _reported;

    public GitHubPollSchedule(TimeSpan interval, TimeProvider time)
    {
        _interval = interval > TimeSpan.Zero ? interval : TimeSpan.FromSeconds(1);
        _time = time;
    }

    /// <summary>Nothing may go to GitHub before then (a rate limit or a failure backing off).</summary>
    public DateTimeOffset HoldUntil => _holdUntil;

    public bool CanCall => _time.GetUtcNow() >= _holdUntil;

    public bool PollDue => CanCall && _time.GetUtcNow() >= _nextPoll;

    /// <summary>True while a streak of failures lasts.</summary>
    public bool Failing => _failures > 0;

    /// <summary>A poll starts now: the next is due an interval later.</summary>
    public void Polled() => _nextPoll = _time.GetUtcNow() + _interval;

    /// <summary>A pass went through; returns the line to report when it ends a streak of failures, else null.</summary>
    public string? Succeeded()
    {
        if (_failures == 0)
        {
            return null;
        }

        var line = $"GitHub answers again (after {_failures} failed {(_failures == 1 ? "pass" : "passes")})";
        _failures = 0;
        _reported = null;
        _holdUntil = DateTimeOffset.MinValue;
        return line;
    }

    /// <summary>The rate limit is used up: hold until <paramref name="until"/> (or a backoff); returns the line to report, or null when this streak was reported already.</summary>
    public string? RateLimited(DateTimeOffset? until, string message)
    {
        var now = _time.GetUtcNow();
        _failures++;
        var hold = until is { } u && u > now ? u : now + Backoff();
        _holdUntil = hold;
        return Report($"GitHub's rate limit is used up: no GitHub calls until {hold:u} ({message})", "rate limit");
    }

    /// <summary>Another failure: back off (interval, doubling, at most <see cref="MaxBackoff"/>); returns the line to report, or null when it was reported already.</summary>
    public string? Failed(string message)
    {
        _failures++;
        var wait = Backoff();
        _holdUntil = _time.GetUtcNow() + wait;
        return Report($"GitHub failed: {message}; trying again in {Durations(wait)}", message);
    }

    private TimeSpan Backoff()
    {
        var ticks = _interval.Ticks << Math.Min(_failures - 1, 20);
        return ticks <= 0 || ticks > MaxBackoff.Ticks ? MaxBackoff : TimeSpan.FromTicks(ticks);
    }

    private string? Report(string line, string key)
    {
        if (_reported == key)
        {
            return null;
        }

        _reported = key;
        return line;
    }

    private static string Durations(TimeSpan t) => Config.Durations.Format(t);
}
