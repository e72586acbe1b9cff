using System.Text.Json;
using Baton.IntegrationTests.Support;
using Xunit;
using static Baton.IntegrationTests.Dispatch.AutopilotKit;

namespace Baton.IntegrationTests.Merge;

/// <summary>`baton merge` and `baton merge-queue` with the loop landing branches: the gate on the result, a kill mid-merge, a conflict sent back.</summary>
public sealed class MergeQueueTests
{
    [Fact]
    public void Queued_branches_land_in_order_survive_a_kill_mid_merge_and_a_conflict_goes_back()
    {
        // Given two hand-made branches that change the same line, each on its ticket, and a slow gate.
        using var repo = new TestRepo();
        Configure(repo, gate: "commands: [\"sleep 3\", \"test -f a.txt\"]\nretries: 3");
        var mainBefore = repo.Git("rev-parse", "main").Trim();
        foreach (var (branch, text) in new[] { ("feat-one", "one"), ("feat-two", "two") })
        {
            repo.Git("checkout", "-q", "-b", branch, "main");
            File.WriteAllText(Path.Combine(repo.Dir, "a.txt"), text + "\n");
            repo.Git("add", "a.txt");
            repo.Git("commit", "-q", "-m", branch);
            repo.Git("checkout", "-q", "main");
            var id = repo.Baton("ticket", "create", "work on " + branch, "--json").Ok().Json().GetProperty("id").GetString()!;
            repo.Baton("ticket", "update", id, "--branch", branch, "--status", "in-progress").Ok();
        }

        // When both are queued by hand
        repo.Baton("merge", "T-1", "--into", "main").Ok();
        Assert.Contains("already queued", repo.Baton("merge", "T-1").Ok().Stdout, StringComparison.Ordinal);
        var second = repo.Baton("merge", "T-2", "--into", "main", "--json").Ok().Json();
        Assert.Equal(2, second.GetProperty("position").GetInt32());
        var queue = repo.Baton("merge-queue", "--json").Ok().Json().EnumerateArray().ToList();
        Assert.Equal(["T-1", "T-2"], queue.Select(q => q.GetProperty("ticket").GetString()).ToList());
        Assert.Contains("No `baton up` is running", repo.Baton("merge-queue").Ok().Stdout, StringComparison.Ordinal);

        // ...and the loop is killed while the gate runs on T-1's merge result
        using (var loop = repo.StartBaton("up", "--plain"))
        {
            TestRepo.WaitUntil(() => Directory.Exists(Path.Combine(repo.Dir, ".baton", "worktrees")) &&
                Directory.GetDirectories(Path.Combine(repo.Dir, ".baton", "worktrees"), "_merge-*").Length > 0, "the merge's scratch worktree", 30);
            loop.Kill();
            loop.WaitForExit();
        }

        // Then main is exactly as it was: nothing half-merged
        Assert.Equal(mainBefore, repo.Git("rev-parse", "main").Trim());
        Assert.Equal("review", Status(repo, "T-1"));

        // When the loop runs again: T-1 lands (gate passed on the result), T-2 conflicts and goes back.
        using (var loop = repo.StartBaton("up", "--plain"))
        {
            TestRepo.WaitUntil(() => Status(repo, "T-1") == "done" && Events(repo, "merge_failed", "T-2").Count > 0, "T-1 merged and T-2's conflict found", 90);
            repo.Baton("down");
        }

        Assert.Equal("one\n", repo.Git("show", "main:a.txt"));
        Assert.Single(Events(repo, "merged", "T-1"));
        Assert.Empty(Directory.GetDirectories(Path.Combine(repo.Dir, ".baton", "worktrees"), "_merge-*"));
        Assert.Contains("a.txt", Events(repo, "merge_failed", "T-2")[0].GetProperty("message").GetString()!, StringComparison.Ordinal);
        Assert.Equal("in-progress", Status(repo, "T-2"));
        var after = repo.Baton("merge-queue", "--json").Ok().Json().EnumerateArray().ToList();
        Assert.Contains(after, m => m.GetProperty("ticket").GetString() == "T-1" && m.GetProperty("status").GetString() == "merged");
        Assert.Contains(after, m => m.GetProperty("ticket").GetString() == "T-2" && m.GetProperty("status").GetString() == "conflict");
        Assert.Equal(JsonValueKind.Null, after.Single(m => m.GetProperty("ticket").GetString() == "T-1").GetProperty("position").ValueKind);
    }

    [Fact]
    public void A_merge_result_that_fails_the_gate_goes_back_and_main_does_not_move()
    {
        // Given a branch that breaks the gate (it adds bad.txt), queued by hand
        using var repo = new TestRepo();
        Configure(repo, gate: "commands: [\"test ! -f bad.txt\"]\nretries: 3");
        var mainBefore = repo.Git("rev-parse", "main").Trim();
        repo.Git("checkout", "-q", "-b", "breaks-it", "main");
        File.WriteAllText(Path.Combine(repo.Dir, "bad.txt"), "oops\n");
        repo.Git("add", "bad.txt");
        repo.Git("commit", "-q", "-m", "breaks the gate");
        repo.Git("checkout", "-q", "main");
        var id = repo.Baton("ticket", "create", "Breaks it", "--json").Ok().Json().GetProperty("id").GetString()!;
        repo.Baton("ticket", "update", id, "--branch", "breaks-it", "--status", "in-progress").Ok();
        repo.Baton("merge", id, "--into", "main").Ok();

        // When the loop runs
        using (var loop = repo.StartBaton("up", "--plain"))
        {
            TestRepo.WaitUntil(() => Events(repo, "merge_failed", id).Count > 0, "the failed merge", 60);
            repo.Baton("down");
        }

        // Then the gate's failure is reported, the ticket goes back, and main never moved
        Assert.Contains("the gate failed", Events(repo, "merge_failed", id)[0].GetProperty("message").GetString()!, StringComparison.Ordinal);
        Assert.Equal(mainBefore, repo.Git("rev-parse", "main").Trim());
        Assert.Equal("in-progress", Status(repo, id));
        Assert.Contains(repo.Baton("merge-queue", "--json").Ok().Json().EnumerateArray(), m => m.GetProperty("status").GetString() == "failed");
    }
}
