using Baton.IntegrationTests.Support;
using Xunit;
using static Baton.IntegrationTests.Dispatch.AutopilotKit;

namespace Baton.IntegrationTests.Dispatch;

/// <summary>`baton up` end to end with scripted agents in real tmux, git worktrees and SQLite.</summary>
public sealed class AutopilotFlowTests
{
    [Fact]
    public void A_dependency_chain_runs_in_order_and_independent_tickets_run_in_parallel()
    {
        using var repo = new TestRepo();
        Configure(repo, autopilot: "max_workers: 3");
        var a = Ticket(repo, "Module a", Work("T-1", "src/a.txt", "alpha", "@sleep 1.5"));
        var b = Ticket(repo, "Module b", Work("T-2", "src/b.txt", "beta", "@sleep 1.5"));
        var c = Ticket(repo, "Both", "@run cat src/a.txt src/b.txt > src/c.txt\n@commit T-3: combine\n@run baton ticket done T-3", "--depends-on", "T-1,T-2");

        var up = Up(repo);

        Assert.True(up.ExitCode == 0, Describe(repo, up));
        Assert.All(new[] { a, b, c }, id => Assert.Equal("done", Status(repo, id)));
        var dispatched = Events(repo, "task_dispatched").ToDictionary(e => e.GetProperty("ticket").GetString()!, Time);
        var merged = Events(repo, "merged").ToDictionary(e => e.GetProperty("ticket").GetString()!, Time);
        Assert.True(dispatched[b] < merged[a] && dispatched[a] < merged[b], "T-1 and T-2 ran side by side");
        Assert.True(dispatched[c] > merged[a] && dispatched[c] > merged[b], "T-3 started only after both were merged");
        // T-3's branch started from main with both merged: its file holds both.
        Assert.Equal("alpha\nbeta\n", repo.Git("show", "main:src/c.txt"));
        Assert.Equal("", repo.Git("status", "--porcelain"));
        Assert.False(Directory.Exists(Show(repo, c).GetProperty("worktree").GetString()), "the merged ticket's worktree is removed");
        Assert.Contains(repo.Git("branch", "--list", "baton/*").Trim(), new[] { "" });
        Assert.Contains("Tickets: 3 done", File.ReadAllText(Path.Combine(repo.Dir, ".baton", "ORCHESTRATION_STATUS.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void An_agent_that_exits_0_with_commits_is_taken_as_done_and_headless_agents_work_too()
    {
        using var repo = new TestRepo();
        Configure(repo);
        var quiet = Ticket(repo, "Commits and leaves", "@write q.txt quiet\n@commit T-1: quiet work\n@exit");
        var nothing = Ticket(repo, "Leaves without work", "@exit");

        var up = Up(repo);

        Assert.Equal("done", Status(repo, quiet));
        Assert.Contains("exited 0 with 1 commit", Assert.Single(Events(repo, "task_reported_done", quiet)).GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("without commits", Events(repo, "task_retry_scheduled", nothing).First().GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("quiet\n", repo.Git("show", "main:q.txt"));
        Assert.Equal(1, up.ExitCode); // T-2 failed after its retries

        using var headless = new TestRepo();
        Configure(headless, autopilot: "headless: true");
        var id = Ticket(headless, "Headless", Work("T-1", "h.txt", "from a headless agent"));

        var run = Up(headless);

        Assert.True(run.ExitCode == 0, Describe(headless, run));
        Assert.Equal("done", Status(headless, id));
        Assert.Equal("from a headless agent\n", headless.Git("show", "main:h.txt"));
    }

    [Fact]
    public void A_feature_ticket_branches_from_and_merges_into_the_feature_integration_branch()
    {
        using var repo = new TestRepo();
        Configure(repo);
        repo.Git("branch", "feature/f1/overseer");
        repo.Baton("feature", "add", "f1", "Feature one").Ok();
        var id = Ticket(repo, "Part of f1", Work("T-1", "f.txt", "feature work"), "--feature", "f1");

        var up = Up(repo);

        Assert.True(up.ExitCode == 0, Describe(repo, up));
        Assert.Equal("feature/f1/overseer", Show(repo, id).GetProperty("target").GetString());
        Assert.Equal("feature work\n", repo.Git("show", "feature/f1/overseer:f.txt"));
        Assert.DoesNotContain("f.txt", repo.Git("ls-tree", "--name-only", "main"), StringComparison.Ordinal);
        Assert.Equal("# Tasks: f1\n\n- [x] T-1 Part of f1\n", File.ReadAllText(Path.Combine(repo.Dir, ".baton", "features", "f1", "tasks.md")));
    }

    [Fact]
    public void Capacity_holds()
    {
        // The spawn rate limit is a unit test on the fake clock (DispatchLimitTests).
        using var repo = new TestRepo();
        Configure(repo, autopilot: "max_workers: 2");
        var ids = Enumerable.Range(1, 4).Select(i => Ticket(repo, $"Job {i}", Work($"T-{i}", $"job{i}.txt", "done", "@sleep 1"))).ToList();

        var up = Up(repo);

        Assert.True(up.ExitCode == 0, Describe(repo, up));
        Assert.All(ids, id => Assert.Equal("done", Status(repo, id)));

        var most = MostAgentsAtOnce(repo);
        Assert.True(most <= 2, $"at most 2 workers at once, saw {most}\n{Describe(repo, up)}");
    }

    [Fact]
    public void A_role_capacity_holds_its_tickets_back()
    {
        using var repo = new TestRepo();
        Configure(repo, autopilot: "max_workers: 4");
        Role(repo, "solo", text => text.Replace("capacity: 8", "capacity: 1", StringComparison.Ordinal));
        var ids = Enumerable.Range(1, 3).Select(i => Ticket(repo, $"Solo {i}", Work($"T-{i}", $"s{i}.txt", "x", "@sleep 1"), "--role", "solo")).ToList();

        var up = Up(repo);

        Assert.True(up.ExitCode == 0, Describe(repo, up));
        Assert.Contains("role solo is at its capacity of 1", up.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, MostAgentsAtOnce(repo));
    }

    [Fact]
    public void A_gate_failure_goes_back_to_the_same_agent_which_fixes_it()
    {
        using var repo = new TestRepo();
        File.WriteAllText(Path.Combine(repo.Dir, "test.sh"), "if grep -q BUG src/*.txt; then echo '0 passed, 1 failed'; exit 1; fi\necho '1 passed, 0 failed'\n");
        repo.Git("add", "test.sh");
        repo.Git("commit", "-q", "-m", "tests");
        Configure(repo, gate: "commands: [\"sh test.sh\"]\nretries: 2");
        var id = Ticket(repo, "Counter", "@write src/n.txt 1 2 4 BUG\n@commit T-1: counter\n@run baton ticket done T-1\n@next\n@write src/n.txt 1 2 3\n@commit T-1: fix the counter\n@run baton ticket done T-1 --summary fixed");

        var up = Up(repo);

        Assert.True(up.ExitCode == 0, Describe(repo, up));
        var t = Show(repo, id);
        Assert.Equal("done", t.GetProperty("status").GetString());
        Assert.Equal(1, t.GetProperty("gate_failures").GetInt32());
        Assert.Equal(1, t.GetProperty("attempts").GetInt32()); // the same agent fixed it
        Assert.Single(Events(repo, "gate_failed", id));
        Assert.Contains("1 passed, 0 failed", Events(repo, "gate_passed", id).Last().GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("1 2 3\n", repo.Git("show", "main:src/n.txt"));
    }

    [Fact]
    public void A_gate_that_keeps_failing_fails_the_ticket_after_its_retries()
    {
        using var repo = new TestRepo();
        Configure(repo, gate: "commands: [\"false\"]\nretries: 1");
        var id = Ticket(repo, "Hopeless", Work("T-1", "x.txt", "x") + "\n@next\n@run baton ticket done T-1\n@next\n@run baton ticket done T-1");

        var up = Up(repo);

        Assert.Equal(1, up.ExitCode);
        Assert.Equal("failed", Status(repo, id));
        Assert.Equal(2, Events(repo, "gate_failed", id).Count);
        Assert.Contains(Events(repo, "notification", id), e => e.GetProperty("message").GetString()!.Contains("needs a human", StringComparison.Ordinal));
        Assert.Equal("", repo.Git("log", "main", "--oneline", "--grep", "T-1"));
    }

    [Fact]
    public void Uncommitted_work_is_sent_back_and_saved_as_a_snapshot_before_its_worktree_is_removed()
    {
        using var repo = new TestRepo();
        Configure(repo);
        var id = Ticket(repo, "Leaves a mess", "@write kept.txt committed\n@commit T-1: kept\n@write notes.txt scratch notes\n@run baton ticket done T-1\n@next\n@sleep 60");
        using (repo.StartBaton("up", "--plain"))
        {
            try
            {
                // The gate never tests uncommitted work: the report goes back to the agent.
                TestRepo.WaitUntil(() => Events(repo, "ticket_updated", id).Any(e => e.GetProperty("message").GetString()!.Contains("uncommitted changes", StringComparison.Ordinal)), "the report to be sent back", 40);
                Assert.Empty(Events(repo, "gate_started", id));
                repo.Baton("ticket", "update", id, "--status", "cancelled").Ok();
                TestRepo.WaitUntil(() => !Directory.Exists(Show(repo, id).GetProperty("worktree").GetString()!), "the cancelled ticket's worktree to go", 40);
            }
            finally
            {
                repo.Baton("down");
            }
        }

        var snapshots = repo.Baton("wip", "list", "--ticket", id, "--json").Ok().Json().EnumerateArray().ToList();
        var snapshot = Assert.Single(snapshots).GetProperty("ref").GetString()!;
        Assert.Equal("scratch notes\n", repo.Git("show", snapshot + ":notes.txt"));
        Assert.Equal("committed\n", repo.Git("show", snapshot + ":kept.txt"));
        Assert.Contains("baton/T-1-", repo.Git("branch", "--list", "baton/*"), StringComparison.Ordinal); // abandoned, not merged: the branch stays
        Assert.Equal("killed", repo.State("t1-1"));

        var restored = repo.Baton("wip", "restore", snapshot).Ok().Stdout;
        Assert.Contains("wip-restore/T-1-", restored, StringComparison.Ordinal);
        Assert.Equal("scratch notes\n", repo.Git("show", $"wip-restore/{snapshot["refs/baton/wip/".Length..].Replace('/', '-')}:notes.txt"));
    }
}
