using Baton.IntegrationTests.Support;
using Microsoft.Data.Sqlite;
using Xunit;
using static Baton.IntegrationTests.Dispatch.AutopilotKit;

namespace Baton.IntegrationTests.Dispatch;

/// <summary>Crashes, kills of the loop itself, and limits: nothing lost, nothing run twice. (Stall and idle policies: StallPolicyTests, on the fake clock.)</summary>
public sealed class AutopilotRecoveryTests
{
    [Fact]
    public void A_crashed_worker_is_retried_on_the_same_branch_and_its_commits_survive()
    {
        using var repo = new TestRepo();
        Configure(repo);
        var id = Ticket(repo, "Two parts", "@write a.txt first\n@commit T-1: first part\n@once @crash 3\n@write b.txt second\n@commit T-1: second part\n@run baton ticket done T-1");

        var up = Up(repo);

        Assert.True(up.ExitCode == 0, Describe(repo, up));
        var t = Show(repo, id);
        Assert.Equal("done", t.GetProperty("status").GetString());
        Assert.Equal(2, t.GetProperty("attempts").GetInt32());
        var retry = Assert.Single(Events(repo, "task_retry_scheduled", id));
        Assert.Contains("exited with code 3", retry.GetProperty("message").GetString(), StringComparison.Ordinal);
        var log = repo.Git("log", "main", "--format=%s");
        Assert.Contains("T-1: first part", log, StringComparison.Ordinal);
        Assert.Contains("T-1: second part", log, StringComparison.Ordinal);
    }

    [Fact]
    public void Killing_the_loop_with_SIGKILL_loses_no_ticket_and_runs_none_twice()
    {
        using var repo = new TestRepo();
        Configure(repo, autopilot: "max_workers: 2");
        var ids = Enumerable.Range(1, 4).Select(i => Ticket(repo, $"Job {i}", Work($"T-{i}", $"job{i}.txt", $"job {i}", "@sleep 2"))).ToList();

        using (var first = repo.StartBaton("up", "--plain"))
        {
            TestRepo.WaitUntil(() => Events(repo, "worker_prompt_sent").Count == 2, "two agents at work", 40);
            first.Kill(); // SIGKILL: no clean-up of any kind
            first.WaitForExit();
        }

        var live = repo.Baton("list", "--json").Ok().Json().EnumerateArray().Count(w => w.GetProperty("state").GetString() is "busy" or "idle" or "starting");
        Assert.True(live >= 1, "the agents outlive the loop");

        var up = Up(repo);

        Assert.True(up.ExitCode == 0, Describe(repo, up));
        Assert.Contains("adopted", string.Join('\n', Events(repo, "autopilot_started").Select(e => e.GetProperty("message").GetString())), StringComparison.Ordinal);
        var log = repo.Git("log", "main", "--format=%s");
        foreach (var (id, i) in ids.Select((id, i) => (id, i + 1)))
        {
            Assert.Equal("done", Status(repo, id));
            // Each ticket's work landed exactly once, and no ticket ever had two agents at once.
            Assert.Equal(1, log.Split('\n').Count(l => l == $"T-{i}: work on job{i}.txt"));
            Assert.Single(Events(repo, "task_dispatched", id));
        }
    }

    [Fact]
    public void A_clean_up_an_earlier_loop_left_half_done_is_finished_by_the_next_one()
    {
        using var repo = new TestRepo();
        Configure(repo);
        var first = Ticket(repo, "One", Work("T-1", "one.txt", "one"));
        var second = Ticket(repo, "Two", Work("T-2", "two.txt", "two"));
        Assert.Equal(0, Up(repo).ExitCode);
        var one = Show(repo, first);
        var two = Show(repo, second);

        // What a loop killed inside two clean-ups leaves: T-1's merged branch (killed after its
        // worktree went), T-2's worktree with an uncommitted file and its branch (killed before).
        var branchOne = one.GetProperty("branch").GetString()!;
        var branchTwo = two.GetProperty("branch").GetString()!;
        var worktreeTwo = two.GetProperty("worktree").GetString()!;
        repo.Git("branch", branchOne, "main");
        repo.Git("worktree", "add", worktreeTwo, "-b", branchTwo, "main");
        File.WriteAllText(Path.Combine(worktreeTwo, "notes.txt"), "not committed");

        var again = Up(repo);

        Assert.True(again.ExitCode == 0, Describe(repo, again));
        Assert.DoesNotContain(branchOne, repo.Git("branch", "--list"), StringComparison.Ordinal);
        Assert.DoesNotContain(branchTwo, repo.Git("branch", "--list"), StringComparison.Ordinal);
        Assert.False(Directory.Exists(worktreeTwo));
        Assert.DoesNotContain(worktreeTwo, repo.Git("worktree", "list"), StringComparison.Ordinal);
        Assert.Contains("finished the clean-up an earlier run began", again.Stdout, StringComparison.Ordinal);

        // The uncommitted file was saved before the worktree went.
        var snapshot = Assert.Single(Events(repo, "wip_snapshot", second));
        var saved = snapshot.GetProperty("metadata").GetProperty("ref").GetString()!;
        Assert.Equal("not committed", repo.Git("show", saved + ":notes.txt").Trim());
    }

    [Fact]
    public void An_agent_that_got_its_ticket_is_kept_although_the_killed_loop_never_recorded_the_prompt()
    {
        using var repo = new TestRepo();
        Configure(repo);
        var id = Ticket(repo, "Long job", Work("T-1", "long.txt", "long", "@run baton ticket update T-1 --note started\n@sleep 4"));

        using (var first = repo.StartBaton("up", "--plain"))
        {
            TestRepo.WaitUntil(() => Events(repo, "status_update", id).Count > 0, "the agent to report it started", 40);
            first.Kill(); // SIGKILL
            first.WaitForExit();
        }

        // What a loop killed after typing the ticket but before recording it leaves: no worker_prompt_sent.
        // (The store refuses deletes; the test lifts its own guard for this one change.)
        using (var db = new SqliteConnection($"Data Source={Path.Combine(repo.Dir, ".baton", "baton.db")};Pooling=False"))
        {
            db.Open();
            using var read = db.CreateCommand();
            read.CommandText = "SELECT sql FROM sqlite_master WHERE name = 'events_no_delete'";
            var guard = (string)read.ExecuteScalar()!;
            using var change = db.CreateCommand();
            change.CommandText = $"DROP TRIGGER events_no_delete; DELETE FROM events WHERE type = 'worker_prompt_sent'; {guard};";
            change.ExecuteNonQuery();
        }

        var up = Up(repo);

        Assert.True(up.ExitCode == 0, Describe(repo, up));
        Assert.Contains("t1-1 got its ticket before the previous loop stopped (it reported on the ticket): kept", up.Stdout, StringComparison.Ordinal);
        Assert.Equal("done", Status(repo, id));
        Assert.Equal(1, Show(repo, id).GetProperty("attempts").GetInt32());
        Assert.Empty(Events(repo, "worker_restarted", id));
    }

    [Fact]
    public void A_ticket_that_keeps_failing_the_loop_is_failed_and_the_loop_goes_on()
    {
        using var repo = new TestRepo();
        repo.Git("branch", "trunk");
        Configure(repo, autopilot: "base_branch: trunk");
        // The agent commits, deletes its target branch and leaves: every look at the ticket fails.
        var broken = Ticket(repo, "Pulls the rug", "@write r.txt x\n@commit T-1: x\n@run git branch -D trunk\n@exit");

        var up = Up(repo);

        Assert.Equal(1, up.ExitCode);
        Assert.Equal("failed", Status(repo, broken));
        Assert.NotEmpty(Events(repo, "autopilot_error"));
        Assert.Contains(Events(repo, "notification", broken), e => e.GetProperty("message").GetString()!.Contains("could not look after it", StringComparison.Ordinal));
    }

    [Fact]
    public void Scratch_merge_worktrees_a_killed_loop_left_are_removed_and_forgotten_by_git()
    {
        using var repo = new TestRepo();
        Configure(repo);
        var worktrees = Path.Combine(repo.Dir, ".baton", "worktrees");
        var known = Path.Combine(worktrees, "_merge-7");
        var half = Path.Combine(worktrees, "_merge-8");
        repo.Git("worktree", "add", "--detach", known, "main");
        repo.Git("worktree", "add", "--detach", half, "main");
        File.Delete(Path.Combine(half, ".git")); // git's link gone: a scratch half removed
        File.WriteAllText(Path.Combine(half, "test.sh"), "left by a gate");

        var up = Up(repo);

        Assert.True(up.ExitCode == 0, Describe(repo, up));
        Assert.False(Directory.Exists(known));
        Assert.False(Directory.Exists(half));
        Assert.DoesNotContain("_merge-", repo.Git("worktree", "list"), StringComparison.Ordinal);
        Assert.Contains("removed the scratch merge worktree _merge-8 left by an earlier run", up.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Down_stops_the_loop_even_when_the_config_no_longer_loads()
    {
        using var repo = new TestRepo();
        Configure(repo);
        repo.Baton("up", "--detach").Ok();
        var config = Path.Combine(repo.Dir, ".baton", "config.yaml");
        File.WriteAllText(config, File.ReadAllText(config) + "\nautopilot: [broken\n");

        var down = repo.Baton("down");

        Assert.True(down.ExitCode == 0, down.Stdout + down.Stderr);
        Assert.Contains("stopping with the default settings", down.Stderr, StringComparison.Ordinal);
        Assert.Contains("stopped", down.Stdout, StringComparison.Ordinal);
        Assert.Contains("no autopilot is running", repo.Baton("down").Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void One_loop_at_a_time_detach_and_down()
    {
        using var repo = new TestRepo();
        Configure(repo);

        var detached = repo.Baton("up", "--detach").Ok().Stdout;
        Assert.Contains("autopilot running in tmux session baton-autopilot", detached, StringComparison.Ordinal);

        var second = repo.Baton("up", "--plain");
        Assert.Equal(1, second.ExitCode);
        Assert.Contains("another `baton up` is running on this repository", second.Stderr, StringComparison.Ordinal);

        var id = Ticket(repo, "While detached", Work("T-1", "d.txt", "d"));
        TestRepo.WaitUntil(() => Status(repo, id) == "done", "the detached loop to finish T-1", 40);

        Assert.Contains("stopped", repo.Baton("down").Ok().Stdout, StringComparison.Ordinal);
        Assert.Contains("no autopilot is running", repo.Baton("down").Ok().Stdout, StringComparison.Ordinal);
        Assert.NotEqual(0, repo.Tmux("has-session", "-t", "=baton-autopilot").ExitCode);
        Assert.NotEmpty(Events(repo, "autopilot_stopped"));
    }

    [Fact]
    public void A_ticket_past_its_time_limit_is_stopped_and_its_work_saved()
    {
        using var repo = new TestRepo();
        Configure(repo);
        var id = Ticket(repo, "Takes forever", "@write wip.txt half done\n@sleep 120", "--time-limit", "1");
        using var loop = repo.StartBaton("up", "--plain");
        try
        {
            TestRepo.WaitUntil(() => Status(repo, id) == "in-progress" && File.Exists(Path.Combine(Show(repo, id).GetProperty("worktree").GetString()!, "wip.txt")), "the agent to start writing", 30);

            // Pretend it started two minutes ago (the limit is in whole minutes).
            using (var db = new SqliteConnection("Data Source=" + Path.Combine(repo.Dir, ".baton", "baton.db")))
            {
                db.Open();
                using var cmd = db.CreateCommand();
                cmd.CommandText = "UPDATE tickets SET started_at = $t WHERE number = 1";
                cmd.Parameters.AddWithValue("$t", DateTimeOffset.UtcNow.AddMinutes(-2).ToString("O", System.Globalization.CultureInfo.InvariantCulture));
                cmd.ExecuteNonQuery();
            }

            TestRepo.WaitUntil(() => Status(repo, id) == "failed", "the time limit to stop it", 30);
        }
        finally
        {
            repo.Baton("down");
        }

        Assert.Single(Events(repo, "task_time_limit", id));
        var snapshot = Assert.Single(repo.Baton("wip", "list", "--json").Ok().Json().EnumerateArray()).GetProperty("ref").GetString()!;
        Assert.Equal("half done\n", repo.Git("show", snapshot + ":wip.txt"));
        Assert.Equal("killed", repo.State("t1-1"));
    }
}
