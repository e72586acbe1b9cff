using Baton.Core.GitHub;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Baton.Core.Tests.GitHub;

/// <summary>When `baton up` talks to GitHub: once per interval, held through rate limits and failures, each streak reported once.</summary>
public sealed class GitHubPollScheduleTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_poll_is_due_once_per_interval()
    {
        var time = new FakeTimeProvider(Start);
        var schedule = new GitHubPollSchedule(TimeSpan.FromMinutes(1), time);

        Assert.True(schedule.PollDue);
        schedule.Polled();
        Assert.False(schedule.PollDue);
        time.Advance(TimeSpan.FromSeconds(59));
        Assert.False(schedule.PollDue);
        Assert.True(schedule.CanCall); // between polls, write-backs may still go out
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(schedule.PollDue);
    }

    [Fact]
    public void A_rate_limit_holds_every_call_until_the_reset_and_is_reported_once()
    {
        var time = new FakeTimeProvider(Start);
        var schedule = new GitHubPollSchedule(TimeSpan.FromSeconds(30), time);
        var reset = Start.AddMinutes(40);

        var first = schedule.RateLimited(reset, "used up");
        Assert.NotNull(first);
        Assert.Contains("2026-12-01 12:40:00Z", first, StringComparison.Ordinal);
        Assert.False(schedule.CanCall);
        Assert.False(schedule.PollDue);

        time.Advance(TimeSpan.FromMinutes(39));
        Assert.False(schedule.CanCall);
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.True(schedule.CanCall);

        // Still limited at the next try: held again, and not reported again.
        Assert.Null(schedule.RateLimited(time.GetUtcNow().AddMinutes(5), "used up"));
        Assert.False(schedule.CanCall);
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal("GitHub answers again (after 2 failed passes)", schedule.Succeeded());
        Assert.Null(schedule.Succeeded());
        Assert.True(schedule.PollDue);
    }

    [Fact]
    public void A_rate_limit_without_a_reset_time_backs_off_like_a_failure()
    {
        var time = new FakeTimeProvider(Start);
        var schedule = new GitHubPollSchedule(TimeSpan.FromSeconds(30), time);

        schedule.RateLimited(null, "secondary limit");

        Assert.Equal(Start.AddSeconds(30), schedule.HoldUntil);
    }

    [Fact]
    public void Failures_back_off_doubling_from_the_interval_up_to_the_cap_reported_once_per_message()
    {
        var time = new FakeTimeProvider(Start);
        var schedule = new GitHubPollSchedule(TimeSpan.FromMinutes(1), time);
        var holds = new List<TimeSpan>();
        var reported = new List<string?>();
        for (var i = 0; i < 6; i++)
        {
            reported.Add(schedule.Failed("502 Bad Gateway"));
            holds.Add(schedule.HoldUntil - time.GetUtcNow());
            time.Advance(holds[^1]);
        }

        Assert.Equal(new[] { 1, 2, 4, 8, 15, 15 }, holds.Select(h => (int)h.TotalMinutes));
        Assert.Single(reported, r => r is not null);
        Assert.True(schedule.Failing);

        // Another kind of failure is news: said once more.
        Assert.NotNull(schedule.Failed("no GitHub token"));
        Assert.Null(schedule.Failed("no GitHub token"));
        Assert.NotNull(schedule.Succeeded());
        Assert.False(schedule.Failing);
        Assert.NotNull(schedule.Failed("502 Bad Gateway"));
        Assert.Equal(time.GetUtcNow().AddMinutes(1), schedule.HoldUntil); // the backoff starts over
    }
}
