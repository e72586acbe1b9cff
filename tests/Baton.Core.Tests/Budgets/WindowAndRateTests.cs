using System.Globalization;
using Baton.Core.Budgets;
using Baton.Core.Events;
using Baton.Core.Agents.Streams;
using Baton.Core.Dispatch;
using Baton.Core.Usage;
using Baton.Core.Workers;
using Xunit;

namespace Baton.Core.Tests.Budgets;

/// <summary>budgets.window_hold and the per-profile request and token buckets, on the fake clock.</summary>
public sealed class WindowAndRateTests
{
    [Fact]
    public void A_five_hour_window_past_the_hold_holds_launches_and_resumes_at_its_reset()
    {
        // Given the scripted agent reported its five-hour window 93% used, resetting in two hours
        using var b = new BudgetRig { Config = new BudgetConfig { WindowHold = 90 } };
        var (_, worker) = b.Running("w1");
        var resets = b.Rig.Time.GetUtcNow().AddHours(2);
        b.Rig.Store.AppendEvent(UsageWindows.Event(worker, new UsageWindow("scripted", "five_hour", 93, resets, b.Rig.Time.GetUtcNow())));
        var watch = b.Watch();
        var ready = b.Ready("Job");

        // When the loop plans now, just before the reset, and just after it
        var now = b.Plan([ready], watch: watch);
        b.Rig.Advance(TimeSpan.FromHours(2) - TimeSpan.FromSeconds(1));
        var before = b.Plan([ready], watch: watch);
        b.Rig.Advance(TimeSpan.FromSeconds(2));
        var after = b.Plan([ready], watch: watch);

        // Then it waits until the reset, saying why, and starts after; the hold is told once
        Assert.Empty(now.Start);
        Assert.StartsWith("agent scripted reported 93% of its five_hour window used (budgets.window_hold: 90)", Assert.Single(now.Waiting).Reason, StringComparison.Ordinal);
        Assert.Empty(before.Start);
        Assert.Single(after.Start);
        Assert.Single(b.Notifications("budget_window"));
    }

    [Fact]
    public void A_claude_status_line_reading_past_the_hold_holds_its_profile_until_the_reset()
    {
        // Given the scripted profile's status line said: five-hour window 96% used, resets in an hour
        using var b = new BudgetRig();
        var resets = b.Rig.Time.GetUtcNow().AddHours(1);
        b.Readings = new Readings([new RateLimitReading("scripted", "w1", new Baton.Core.Usage.RateLimits(new RateLimitWindow(96, resets), new RateLimitWindow(40, null), b.Rig.Time.GetUtcNow()))]);
        var ready = b.Ready("Job");
        var watch = b.Watch();

        // When the loop plans now and after the reset
        var now = b.Plan([ready], watch: watch);
        b.Rig.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        var after = b.Plan([ready], watch: watch);

        Assert.StartsWith("agent scripted reported 96% of its five_hour window used", Assert.Single(now.Waiting).Reason, StringComparison.Ordinal);
        Assert.Single(after.Start);
        Assert.Equal(2, b.Service.Overview().Windows.Count);
    }

    private sealed class Readings(IReadOnlyList<RateLimitReading> readings) : IRateLimitReadings
    {
        public IReadOnlyList<RateLimitReading> LatestRateLimits() => readings;
    }

    [Fact]
    public void A_window_below_the_hold_or_a_hold_of_zero_holds_nothing()
    {
        using var b = new BudgetRig { Config = new BudgetConfig { WindowHold = 0 } };
        var (_, worker) = b.Running("w1");
        b.Rig.Store.AppendEvent(UsageWindows.Event(worker, new UsageWindow("scripted", "seven_day", 100, null, b.Rig.Time.GetUtcNow())));
        var now = b.Rig.Time.GetUtcNow();

        Assert.Single(b.Plan([b.Ready("Job")]).Start);
        Assert.Empty(UsageWindows.Held(UsageWindows.Latest(b.Rig.Store, now), 101, now));
        Assert.Single(UsageWindows.Held(UsageWindows.Latest(b.Rig.Store, now), 100, now));
        // Without a reset time it is looked at again after the usage-limit pause's wait
        Assert.Empty(UsageWindows.Held(UsageWindows.Latest(b.Rig.Store, now), 100, now + UsageLimitPause.DefaultWait));
    }

    [Fact]
    public void Requests_per_minute_count_launches_and_turns_and_refill()
    {
        // Given 3 requests a minute for the scripted profile and one turn reported just now
        using var b = new BudgetRig { Config = new BudgetConfig { RequestsPerMinute = new Dictionary<string, long> { ["scripted"] = 3 } } };
        var (_, worker) = b.Running("w1");
        b.Turn(worker, 10);
        var ready = Enumerable.Range(1, 4).Select(i => b.Ready($"Job {i}")).ToList();

        // When the loop plans four tickets, and again 20 s later (one request refilled)
        var first = b.Plan(ready);
        b.Claim(first);
        b.Rig.Advance(TimeSpan.FromSeconds(20));
        var later = b.Plan(ready.Skip(2).ToList());

        // Then two start (the turn took one request), and one more once a request refilled
        Assert.Equal(2, first.Start.Count);
        Assert.Equal("agent scripted used its 3 requests a minute (budgets.requests_per_minute)", first.Waiting[0].Reason);
        Assert.Single(later.Start);
    }

    [Fact]
    public void Tokens_per_minute_hold_a_profile_whose_turns_overdrew_its_bucket_until_it_refilled()
    {
        // Given 1000 tokens a minute and a turn of 1500 just now
        using var b = new BudgetRig { Config = new BudgetConfig { TokensPerMinute = new Dictionary<string, long> { ["scripted"] = 1000 } } };
        var (_, worker) = b.Running("w1");
        b.Turn(worker, 1500);
        var ready = b.Ready("Job");

        // When the loop plans now and 31 s later (the 500 overdrawn paid off)
        var now = b.Plan([ready]);
        b.Rig.Advance(TimeSpan.FromSeconds(31));
        var later = b.Plan([ready]);

        Assert.Equal("agent scripted used its 1000 tokens a minute (budgets.tokens_per_minute)", Assert.Single(now.Waiting).Reason);
        Assert.Single(later.Start);
    }

    [Fact]
    public void Codex_rollout_rate_limits_become_windows_with_their_reset()
    {
        var line = """{"timestamp":"2026-11-23T03:07:13.596Z","type":"event_msg","payload":{"type":"token_count","info":null,"rate_limits":{"primary":{"used_percent":91.5,"window_minutes":300,"resets_at":1795411633},"secondary":{"used_percent":40.0,"window_minutes":10080,"resets_in_seconds":3600}}}}""";

        var windows = CodexRollout.Read([line]).Windows;

        var five = Assert.Single(windows, w => w.Window == "five_hour");
        Assert.Equal(91.5, five.UsedPercent);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1795411633), five.ResetsAt);
        var week = Assert.Single(windows, w => w.Window == "seven_day");
        Assert.Equal(DateTimeOffset.Parse("2026-11-23T04:07:13.596Z", CultureInfo.InvariantCulture), week.ResetsAt);
    }

    [Fact]
    public void The_scripted_agents_usage_line_is_a_turns_usage_with_its_cost()
    {
        var parser = new ScriptedStreamParser();

        var e = Assert.Single(parser.Parse("usage: input_tokens=100 output_tokens=20 cache_read_input_tokens=300 cache_creation_input_tokens=5 cost_usd=0.25"));

        Assert.Equal(new TokenUsage(100, 20, 5, 300, 0.25m), e.Usage);
        Assert.Empty(parser.Parse("● Wrote src/health.txt"));
        Assert.Equal(EventTypes.UsageWindow, UsageWindows.Event(new Worker { Name = "w", Agent = "a", Mode = WorkerMode.Headless, Directory = "/", State = WorkerState.Busy, StateSince = DateTimeOffset.UnixEpoch, CreatedAt = DateTimeOffset.UnixEpoch },
            new UsageWindow("a", "five_hour", 1, null, DateTimeOffset.UnixEpoch)).Type);
    }
}
