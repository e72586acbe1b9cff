using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Weeks;

/// <summary>A manual `baton spawn` obeys the autopilot's limits unless --force.</summary>
public sealed class SpawnLimitTests
{
    [Fact]
    public void Max_workers_and_max_instances_refuse_a_spawn_that_force_starts_anyway()
    {
        using var repo = new TestRepo();
        File.WriteAllText(Path.Combine(repo.Dir, ".baton", "config.yaml"), "autopilot:\n  max_workers: 2\n  spawns_per_minute: 600\n  spawn_burst: 10\nagents:\n  max_instances: {scripted: 1}\n");
        repo.Baton("spawn", "--agent", "scripted", "--name", "w1", "@sleep 60").Ok();

        var second = repo.Baton("spawn", "--agent", "scripted", "--name", "w2", "@sleep 60");

        Assert.Equal(1, second.ExitCode);
        Assert.Contains("not spawned: agent scripted is at its max_instances of 1", second.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(repo.Baton("list", "--json").Ok().Json().EnumerateArray(), w => w.GetProperty("name").GetString() == "w2");
        repo.Baton("spawn", "--agent", "scripted", "--name", "w2", "--force", "@sleep 60").Ok();

        var third = repo.Baton("spawn", "--agent", "scripted", "--name", "w3", "--json", "@sleep 60");
        Assert.Equal(1, third.ExitCode);
        Assert.Contains("all 2 worker slots are taken", third.Json().GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_spawn_rate_counts_spawns_across_processes()
    {
        using var repo = new TestRepo();
        File.WriteAllText(Path.Combine(repo.Dir, ".baton", "config.yaml"), "autopilot:\n  max_workers: 10\n  spawns_per_minute: 1\n  spawn_burst: 2\n");
        repo.Baton("spawn", "--agent", "scripted", "--name", "r1").Ok();
        repo.Baton("spawn", "--agent", "scripted", "--name", "r2").Ok();

        var third = repo.Baton("spawn", "--agent", "scripted", "--name", "r3");

        Assert.Equal(1, third.ExitCode);
        Assert.Contains("spawn rate limit: 2 at once, 1 a minute", third.Stderr, StringComparison.Ordinal);

        // A bad name is said first: waiting out the limit would only lead to that refusal.
        var bad = repo.Baton("spawn", "--agent", "scripted", "--name", "Bad Name");
        Assert.Equal(2, bad.ExitCode);
        Assert.DoesNotContain("spawn rate limit", bad.Stderr, StringComparison.Ordinal);
    }
}
