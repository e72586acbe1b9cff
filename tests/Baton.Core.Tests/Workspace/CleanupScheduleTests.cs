using Baton.Core.Dispatch;
using Baton.Core.Workspace;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Baton.Core.Tests.Workspace;

public sealed class CleanupScheduleTests
{
    [Fact]
    public void The_clean_up_runs_one_period_after_the_start_and_then_every_period()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var runs = 0;
        var schedule = new CleanupSchedule(TimeSpan.FromHours(1), time, () =>
        {
            runs++;
            return [new CleanupItem("worktree", "/w", "T-1 failed 2d ago", true, "T-1")];
        });

        var report = new TickReport();
        schedule.Step(report);
        Assert.Equal(0, runs); // not at start
        time.Advance(TimeSpan.FromMinutes(59));
        schedule.Step(report);
        Assert.Equal(0, runs);
        time.Advance(TimeSpan.FromMinutes(1));
        schedule.Step(report);
        Assert.Equal(1, runs);
        schedule.Step(report);
        Assert.Equal(1, runs);
        time.Advance(TimeSpan.FromHours(1));
        schedule.Step(report);
        Assert.Equal(2, runs);
    }

    [Fact]
    public void A_period_of_zero_never_runs_it()
    {
        var time = new FakeTimeProvider();
        var runs = 0;
        var schedule = new CleanupSchedule(TimeSpan.Zero, time, () => { runs++; return []; });

        schedule.Step(new TickReport());
        time.Advance(TimeSpan.FromDays(30));
        schedule.Step(new TickReport());

        Assert.Equal(0, runs);
    }

    [Fact]
    public void A_clean_up_that_throws_still_waits_its_period()
    {
        var time = new FakeTimeProvider();
        var runs = 0;
        var schedule = new CleanupSchedule(TimeSpan.FromMinutes(10), time, () => { runs++; throw new BatonException("git failed"); });
        schedule.Step(new TickReport()); // the loop's first tick

        time.Advance(TimeSpan.FromMinutes(10));
        Assert.Throws<BatonException>(() => schedule.Step(new TickReport()));
        schedule.Step(new TickReport()); // the same tick's retry does not run it again
        Assert.Equal(1, runs);
    }
}
