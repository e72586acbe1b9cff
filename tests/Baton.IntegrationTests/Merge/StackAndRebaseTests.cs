using Baton.IntegrationTests.Support;
using Xunit;
using static Baton.IntegrationTests.Dispatch.AutopilotKit;

namespace Baton.IntegrationTests.Merge;

/// <summary>stack_dependents (a dependent starts on its parent's unmerged branch and is rebased once the parent lands) and merge.strategy: rebase.</summary>
public sealed class StackAndRebaseTests
{
    [Fact]
    public void A_dependent_starts_on_its_parents_unmerged_branch_and_is_rebased_onto_main_once_the_parent_lands()
    {
        // Given T-2 depends on T-1, and stacking is on
        using var repo = new TestRepo();
        Configure(repo, autopilot: "max_workers: 3\nstack_dependents: true");
        var parent = Ticket(repo, "Parser", Work("T-1", "parser.txt", "parser v1"));
        var child = Ticket(repo, "Uses the parser", Work("T-2", "user.txt", "uses it", before: "@run cp parser.txt seen-by-child.txt"), "--depends-on", parent);

        // When the loop runs to the end
        var up = Up(repo);

        // Then T-2 was dispatched stacked on T-1's branch while T-1 waited to merge, saw T-1's work
        // in its worktree, was rebased onto main once T-1 landed, and landed after it.
        Assert.True(up.ExitCode == 0, Describe(repo, up));
        Assert.Equal("done", Status(repo, parent));
        Assert.Equal("done", Status(repo, child));
        var dispatched = Assert.Single(Events(repo, "task_dispatched", child)).GetProperty("message").GetString()!;
        Assert.Contains("stacked on T-1", dispatched, StringComparison.Ordinal);
        Assert.Single(Events(repo, "task_restacked", child));
        Assert.Equal("parser v1\n", repo.Git("show", "main:seen-by-child.txt"));
        Assert.True(Time(Single(repo, "merged", parent)) <= Time(Single(repo, "merged", child)), "the parent lands first");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, Show(repo, child).GetProperty("stacked_on").ValueKind);
    }

    [Fact]
    public void A_stacked_branch_whose_rebase_onto_main_conflicts_goes_back_to_an_agent()
    {
        // Given T-2 stacked on T-1, changing shared.txt, and someone changing the same line on main meanwhile
        using var repo = new TestRepo();
        Configure(repo, autopilot: "max_workers: 3\nstack_dependents: true");
        File.WriteAllText(Path.Combine(repo.Dir, "shared.txt"), "original\n");
        repo.Git("add", "shared.txt");
        repo.Git("commit", "-q", "-m", "shared file");
        var parent = Ticket(repo, "Parser", Work("T-1", "parser.txt", "parser v1"));
        var child = Ticket(repo, "Child", Work("T-2", "shared.txt", "child's version", before: "@sleep 4"), "--depends-on", parent);
        using var loop = repo.StartBaton("up", "--plain");
        try
        {
            TestRepo.WaitUntil(() => Events(repo, "task_dispatched", child).Count > 0, "T-2 dispatched (stacked)", 60);
            File.WriteAllText(Path.Combine(repo.Dir, "shared.txt"), "main's version\n");
            CommitBesideTheLoop(repo, "main changes shared.txt");

            // When T-1 landed and T-2 reports done: the rebase conflicts, and T-2 goes back with the file named.
            TestRepo.WaitUntil(() => Events(repo, "merge_failed", child).Any(e => e.GetProperty("message").GetString()!.Contains("rebasing", StringComparison.Ordinal)), "the rebase conflict", 60);
            var failed = Events(repo, "merge_failed", child).First(e => e.GetProperty("message").GetString()!.Contains("rebasing", StringComparison.Ordinal));
            Assert.Contains("shared.txt", failed.GetProperty("message").GetString()!, StringComparison.Ordinal);
            Assert.Equal("done", Status(repo, parent));
            Assert.Equal("in-progress", Status(repo, child));
            Assert.Equal(System.Text.Json.JsonValueKind.Null, Show(repo, child).GetProperty("stacked_on").ValueKind);
            Assert.Equal("", repo.Git("-C", Show(repo, child).GetProperty("worktree").GetString()!, "status", "--porcelain").Trim()); // the rebase was aborted cleanly
        }
        finally
        {
            repo.Baton("down");
        }
    }

    [Fact]
    public void A_stacked_dependent_is_stopped_and_requeued_from_scratch_when_its_parent_fails()
    {
        // Given T-2 working on a branch stacked on T-1, which passed its gate and waits for a person to merge it
        using var repo = new TestRepo();
        Configure(repo, autopilot: "max_workers: 3\nstack_dependents: true");
        File.AppendAllText(Path.Combine(repo.Dir, ".baton", "config.yaml"), "merge:\n  auto: false\n");
        var parent = Ticket(repo, "Parser", Work("T-1", "parser.txt", "parser v1"));
        var child = Ticket(repo, "Child", Work("T-2", "user.txt", "uses it", before: "@sleep 60"), "--depends-on", parent);
        using var loop = repo.StartBaton("up", "--plain");
        try
        {
            TestRepo.WaitUntil(() => Events(repo, "task_dispatched", child).Count > 0, "T-2 dispatched (stacked)", 60);
            var worktree = Show(repo, child).GetProperty("worktree").GetString()!;
            var branch = Show(repo, child).GetProperty("branch").GetString()!;
            TestRepo.WaitUntil(() => Directory.Exists(worktree), "T-2's worktree", 30);
            TestRepo.WaitUntil(() => Events(repo, "worker_prompt_sent").Any(e => e.GetProperty("worker").GetString() == "t2-1"), "T-2's agent at work", 60);

            // When a person fails the parent (a review said no)
            repo.Baton("ticket", "update", parent, "--status", "failed").Ok();

            // Then T-2's agent is ended, its worktree removed (its branch kept), and it waits again, unstacked, for a fresh start
            TestRepo.WaitUntil(() => Events(repo, "task_requeued", child).Count > 0, "T-2 requeued", 60);
            TestRepo.WaitUntil(() => !Directory.Exists(worktree), "T-2's worktree to go", 30);
            TestRepo.WaitUntil(() => repo.Worker("t2-1").GetProperty("state").GetString() is "killed" or "exited", "T-2's agent to end", 30);
            var shown = Show(repo, child);
            Assert.Equal("queued", shown.GetProperty("status").GetString());
            Assert.Equal(System.Text.Json.JsonValueKind.Null, shown.GetProperty("stacked_on").ValueKind);
            Assert.Equal(System.Text.Json.JsonValueKind.Null, shown.GetProperty("branch").ValueKind);
            Assert.Contains(branch, repo.Git("branch", "--list", branch), StringComparison.Ordinal);
        }
        finally
        {
            repo.Baton("down");
            loop.WaitForExit(30_000);
        }
    }

    [Fact]
    public void The_rebase_strategy_lands_branches_without_merge_commits()
    {
        using var repo = new TestRepo();
        Configure(repo, autopilot: "max_workers: 2");
        File.AppendAllText(Path.Combine(repo.Dir, ".baton", "config.yaml"), "merge:\n  strategy: rebase\n");
        var a = Ticket(repo, "A", Work("T-1", "a.txt", "a"));
        var b = Ticket(repo, "B", Work("T-2", "b.txt", "b"));

        var up = Up(repo);

        Assert.True(up.ExitCode == 0, Describe(repo, up));
        Assert.Equal("done", Status(repo, a));
        Assert.Equal("done", Status(repo, b));
        Assert.Equal("", repo.Git("log", "--merges", "--oneline", "main").Trim());
        Assert.Equal("a\n", repo.Git("show", "main:a.txt"));
        Assert.Equal("b\n", repo.Git("show", "main:b.txt"));
        Assert.Contains("rebased onto main", Single(repo, "merged", b).GetProperty("message").GetString()!, StringComparison.Ordinal);
    }

    private static System.Text.Json.JsonElement Single(TestRepo repo, string type, string ticket) => Assert.Single(Events(repo, type, ticket));

    /// <summary>
    /// A person's commit on main while the loop lands T-1 there: git refuses one of the two ref
    /// updates ("cannot lock ref 'HEAD'") and the person commits again, as they would by hand.
    /// </summary>
    private static void CommitBesideTheLoop(TestRepo repo, string message)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                repo.Git("commit", "-q", "-am", message);
                return;
            }
            catch (InvalidOperationException e) when (attempt < 5 && e.Message.Contains("cannot lock ref", StringComparison.Ordinal))
            {
                Thread.Sleep(200);
            }
        }
    }
}
