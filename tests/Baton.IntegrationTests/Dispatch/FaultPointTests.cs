using Baton.IntegrationTests.Support;
using Xunit;
using static Baton.IntegrationTests.Dispatch.AutopilotKit;

namespace Baton.IntegrationTests.Dispatch;

/// <summary>
/// The bounded form of bench/chaos.sh: `baton up` killed (SIGKILL, through BATON_FAULT_KILL_AT)
/// right after a merge, a gate pass and a dispatch, then run to completion: every ticket done
/// once, nothing left behind.
/// </summary>
public sealed class FaultPointTests
{
    [Fact]
    public void Loops_killed_at_the_risky_points_leave_nothing_behind_once_a_last_loop_completes()
    {
        using var repo = new TestRepo();
        Configure(repo, autopilot: "max_workers: 2");
        var ids = new List<string>
        {
            Ticket(repo, "One", Work("T-1", "one.txt", "one")),
            Ticket(repo, "Two", Work("T-2", "two.txt", "two"), "--depends-on", "T-1"),
            Ticket(repo, "Three", Work("T-3", "three.txt", "three", "@sleep 1")),
            Ticket(repo, "Four", Work("T-4", "four.txt", "four"), "--depends-on", "T-2,T-3"),
        };

        foreach (var point in new[] { "after_merge", "after_gate_pass", "after_dispatch", "after_merge" })
        {
            repo.SetEnv("BATON_FAULT_KILL_AT", point);
            using var loop = repo.StartBaton("up", "--plain");
            Assert.True(loop.WaitForExit(TimeSpan.FromSeconds(90)), $"the loop never reached {point}");
            Assert.Equal(137, loop.ExitCode); // killed by SIGKILL, as a crash there would
        }

        repo.SetEnv("BATON_FAULT_KILL_AT", "");
        var up = Up(repo);

        Assert.True(up.ExitCode == 0, Describe(repo, up));
        var log = repo.Git("log", "main", "--format=%s").Split('\n');
        foreach (var (id, file) in ids.Zip(new[] { "one", "two", "three", "four" }))
        {
            Assert.Equal("done", Status(repo, id));
            Assert.Single(log, l => l == $"{id}: work on {file}.txt");
        }

        Assert.Equal("", repo.Git("branch", "--list", "baton/*").Trim());
        Assert.Single(repo.Git("worktree", "list").Trim().Split('\n'));
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(repo.Dir, ".baton", "worktrees")));
    }
}
