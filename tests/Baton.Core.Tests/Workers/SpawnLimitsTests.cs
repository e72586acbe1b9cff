using Baton.Core.Config;
using Baton.Core.Workers;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Baton.Core.Tests.Workers;

public sealed class SpawnLimitsTests
{
    private static readonly AutopilotConfig Config = new() { MaxWorkers = 3, SpawnBurst = 2, SpawnsPerMinute = 6 };
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private static readonly Dictionary<string, int> NoMax = [];

    private Worker Live(string name, string agent = "claude", WorkerState state = WorkerState.Busy) => new()
    {
        Name = name, Agent = agent, Mode = WorkerMode.Tmux, Directory = "/r", State = state, StateSince = _time.GetUtcNow(), CreatedAt = _time.GetUtcNow(),
    };

    [Fact]
    public void A_spawn_fits_while_every_limit_has_room()
    {
        Assert.Null(SpawnLimits.Check(Config, NoMax, [Live("a"), Live("gone", state: WorkerState.Killed)], [], "claude", _time.GetUtcNow()));
    }

    [Fact]
    public void Max_workers_counts_live_workers_only()
    {
        var why = SpawnLimits.Check(Config, NoMax, [Live("a"), Live("b"), Live("c")], [], "claude", _time.GetUtcNow());

        Assert.Contains("all 3 worker slots are taken", why, StringComparison.Ordinal);
        Assert.Contains("--force", why, StringComparison.Ordinal);
    }

    [Fact]
    public void Max_instances_holds_only_that_profile()
    {
        var max = new Dictionary<string, int> { ["claude"] = 1 };

        Assert.Contains("agent claude is at its max_instances of 1", SpawnLimits.Check(Config, max, [Live("a")], [], "claude", _time.GetUtcNow()), StringComparison.Ordinal);
        Assert.Null(SpawnLimits.Check(Config, max, [Live("a")], [], "codex", _time.GetUtcNow()));
    }

    [Fact]
    public void The_spawn_rate_allows_a_burst_then_refills_at_its_rate()
    {
        var now = _time.GetUtcNow();
        IReadOnlyList<DateTimeOffset> two = [now - TimeSpan.FromSeconds(1), now];

        Assert.Contains("spawn rate limit", SpawnLimits.Check(Config, NoMax, [], two, "claude", now), StringComparison.Ordinal);

        _time.Advance(TimeSpan.FromSeconds(10)); // 6 a minute: one token back every 10 s
        Assert.Null(SpawnLimits.Check(Config, NoMax, [], two, "claude", _time.GetUtcNow()));

        _time.Advance(TimeSpan.FromSeconds(20)); // the window (burst / rate = 20 s) has passed: they no longer count
        Assert.Null(SpawnLimits.Check(Config, NoMax, [], [.. two, now, now], "claude", _time.GetUtcNow()));
    }
}
