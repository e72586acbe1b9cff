using Baton.IntegrationTests.Support;
using Xunit;
using static Baton.IntegrationTests.Dispatch.AutopilotKit;

namespace Baton.IntegrationTests.Dispatch;

/// <summary>autopilot.warm_pool: agents started ahead of demand, on real tmux, git and SQLite with scripted agents.</summary>
public sealed class WarmPoolTests
{
    [Fact]
    public void A_pool_agent_started_while_its_ticket_waits_takes_it_without_a_new_spawn_and_goes_with_the_loop()
    {
        // Given a chain of two tickets and a pool of one: the second waits for the first
        using var repo = new TestRepo();
        Configure(repo, "warm_pool: 1\nmax_workers: 2");
        var first = Ticket(repo, "First", Work("T-1", "a.txt", "a", "@sleep 2"));
        var second = Ticket(repo, "Second", Work("T-2", "b.txt", "b"), "--depends-on", first);

        // When the autopilot runs both
        var up = Up(repo);

        // Then a pool agent was started ahead of the second ticket and took it once it was
        // ready: two agents started in all (the first ticket's and the pool's), none for the second
        Assert.True(up.ExitCode == 0, Describe(repo, up));
        Assert.Equal("done", Status(repo, second));
        var pooled = Assert.Single(Events(repo, "worker_pooled"));
        Assert.Equal("pool-1", pooled.GetProperty("worker").GetString());
        Assert.Equal(2, Events(repo, "worker_spawned").Count);
        Assert.Equal("pool-1", Show(repo, second).GetProperty("assignee").GetString());
        var taken = Assert.Single(Events(repo, "worker_reused"));
        Assert.Equal(second, taken.GetProperty("ticket").GetString());
        Assert.Equal("true", taken.GetProperty("metadata").GetProperty("pool").GetString());
        Assert.Equal("", taken.GetProperty("metadata").GetProperty("reset").GetString());
        Assert.True(Time(pooled) < Time(Assert.Single(Events(repo, "task_dispatched", second))), "the pool agent was not ready before its ticket was");

        // And no agent outlived the loop
        Assert.DoesNotContain(repo.Baton("list", "--json").Ok().Json().EnumerateArray(), w => w.GetProperty("state").GetString() is "idle" or "busy" or "starting");
    }

    [Fact]
    public void A_pool_agent_shows_in_list_stops_with_baton_down_and_one_left_by_a_killed_loop_is_found_and_ended()
    {
        // Given a pool of one while the first ticket of a chain works
        using var repo = new TestRepo();
        Configure(repo, "warm_pool: 1\nmax_workers: 2");
        var first = Ticket(repo, "First", Work("T-1", "a.txt", "a", "@sleep 60"));
        var second = Ticket(repo, "Second", Work("T-2", "b.txt", "b"), "--depends-on", first);
        using (var loop = repo.StartBaton("up", "--plain"))
        {
            TestRepo.WaitUntil(() => Events(repo, "worker_pooled").Count > 0, "the pool agent to be ready", 60);

            // Then `baton list` says it is a warm pool agent
            Assert.Contains("(warm pool)", repo.Baton("list").Ok().Stdout, StringComparison.Ordinal);
            var row = repo.Worker("pool-1");
            Assert.True(row.GetProperty("pooled").GetBoolean());
            var folder = row.GetProperty("directory").GetString()!;
            Assert.True(Directory.Exists(folder));

            // When the loop is killed outright, nothing of it cleans up: the agent stays
            loop.Kill();
            loop.WaitForExit();
            Assert.Equal("idle", repo.State("pool-1"));

            // And when the next loop finds no ticket that needs it (the second is cancelled)
            repo.Baton("ticket", "update", second, "--status", "cancelled").Ok();
            repo.Baton("ticket", "update", first, "--status", "cancelled", "--force").Ok();
            var up = Up(repo);

            // Then it found the earlier run's pool agent, ended it and removed its folder
            Assert.True(up.ExitCode == 0, Describe(repo, up));
            Assert.Contains("adopted 1 pool agent", up.Stdout, StringComparison.Ordinal);
            Assert.NotEqual("idle", repo.State("pool-1"));
            Assert.False(Directory.Exists(folder), "the pool agent's folder stayed");
            Assert.NotEmpty(Events(repo, "worker_unpooled"));
        }

        // Given a new pool agent under a detached loop, `baton down` ends it with the loop
        var third = Ticket(repo, "Third", Work("T-3", "c.txt", "c", "@sleep 60"));
        Ticket(repo, "Fourth", Work("T-4", "d.txt", "d"), "--depends-on", third);
        repo.Baton("up", "--detach").Ok();
        TestRepo.WaitUntil(() => Events(repo, "worker_pooled").Count > 1, "a second pool agent to be ready", 60);
        Assert.Contains("stopped", repo.Baton("down").Ok().Stdout, StringComparison.Ordinal);
        Assert.NotEqual("idle", repo.State("pool-1"));
        Assert.NotEqual(0, repo.Tmux("has-session", "-t", "=baton-pool-1").ExitCode);
    }
}
